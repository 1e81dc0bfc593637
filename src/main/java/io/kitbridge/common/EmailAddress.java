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
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        if (normalized.length() > MAX_LENGTH || !SHAPE.matcher(normalized).matches()) {
            throw new InvalidInputException(field, "'" + abbreviate(email.trim()) + "' is not a valid email address");
        }
        return normalized;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
