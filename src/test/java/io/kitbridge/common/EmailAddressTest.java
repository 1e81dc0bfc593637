package io.kitbridge.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmailAddressTest {
    @Test
    void should_refuse_control_and_bidi_override_characters_when_anywhere_in_the_address() {
        // GIVEN addresses that render like another one (issue 13): NUL, line breaks, U+202E, zero-width, isolates
        String[] spoofed = {"alice\u0000@example.com", "alice@example.com\u0000", "ali\u202Eec@example.com",
                "alice\u200B@example.com", "alice\u2066@example.com", "alice@example.com\n", "\talice@example.com",
                "alice\u0085@example.com"};
        for (String email : spoofed) {
            // WHEN normalised, THEN InvalidInput naming the field
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> EmailAddress.normalize("email", email));
            assertTrue(e.getMessage().contains("email") && e.getMessage().contains("control"), e.getMessage());
        }
        // AND ordinary addresses (surrounding spaces included) still pass
        assertEquals("alice@example.com", EmailAddress.normalize("email", "  Alice@Example.com "));
    }
}
