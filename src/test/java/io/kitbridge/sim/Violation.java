package io.kitbridge.sim;

import java.time.Instant;

/**
 * A request that exceeded its credential's rate limit and was answered 429.
 * The credential itself is never stored: {@code credentialFingerprint} is {@link #fingerprint(String)} of it.
 *
 * @param credentialFingerprint non-reversible label of the credential, compare with {@link #isFor(String)}
 * @param credentialKind        api-key | bearer-api-key | oauth
 * @param at                    simulator wall time of the rejected request
 * @param method                HTTP method
 * @param path                  request path
 */
public record Violation(String credentialFingerprint, String credentialKind, Instant at, String method, String path) {

    /** True when this violation was caused by {@code credential}. */
    public boolean isFor(String credential) {
        return credential != null && fingerprint(credential).equals(credentialFingerprint);
    }

    /** The non-reversible label the simulator uses for a credential (first 12 hex chars of its SHA-256). */
    public static String fingerprint(String credential) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(credential.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
