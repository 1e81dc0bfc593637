package io.kitbridge.common;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of messages and logs. Every secret the process learns is registered here,
 * and any text that may echo a request (Kit error bodies, transport errors) passes through
 * {@link #redact(String)} before it reaches an exception or a log line.
 */
public final class Secrets {
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    private static final Pattern TOKEN_PARAM = Pattern.compile("(?i)((?:token|secret|code|code_verifier|refresh_token|access_token|client_secret|api_key)=)[^&\\s\"']+");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");
    private static final Pattern JSON_SECRET = Pattern.compile("(?i)(\"(?:access_token|refresh_token|secret|client_secret|api_key|code_verifier)\"\\s*:\\s*\")[^\"]*");
    private static final int MIN_REGISTERED_LENGTH = 6;

    private Secrets() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_REGISTERED_LENGTH) {
            KNOWN.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : KNOWN) {
            if (out.contains(secret)) {
                out = out.replace(secret, "***");
            }
        }
        out = TOKEN_PARAM.matcher(out).replaceAll("$1***");
        out = BEARER.matcher(out).replaceAll("$1***");
        return JSON_SECRET.matcher(out).replaceAll("$1***");
    }

    /** A stable, non-reversible name for a secret, safe to use as a key or in a log line. */
    public static String fingerprint(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
