package io.kitbridge.common;

import java.util.Locale;
import java.util.regex.Pattern;

/** Email normalisation and validation, shared by every function that takes an address. */
public final class EmailAddress {
    // deliberately simple: one @, no spaces, a dot in the domain; Kit itself rejects what this lets through
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s\"<>()\\[\\],;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$");
    private static final int MAX_LENGTH = 254;

    private EmailAddress() {
    }

    /** Trimmed, lower-cased address, or InvalidInput naming {@code field}. */
    public static String normalize(String field, String email) {
        if (email == null || email.isBlank()) {
            throw new InvalidInputException(field, "is required");
        }
        if (hasInvisibleControl(email)) {
            // NUL, line breaks, bidi overrides (U+202E) and other format characters make an address that looks
            // like another one in logs, pages and Kit's UI: refused before anything is written
            throw new InvalidInputException(field, "contains a control or bidirectional-override character");
        }
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        if (normalized.length() > MAX_LENGTH || !SHAPE.matcher(normalized).matches()) {
            throw new InvalidInputException(field, "'" + abbreviate(email.trim()) + "' is not a valid email address");
        }
        return normalized;
    }

    /** Any C0/C1 control (ISO control) or Unicode format character (Cf: U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, ...). */
    static boolean hasInvisibleControl(String s) {
        return s.codePoints().anyMatch(cp -> Character.isISOControl(cp) && cp != ' '
                || Character.getType(cp) == Character.FORMAT);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
