package io.kitbridge.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** PKCE (RFC 7636, S256) and the unguessable values an authorisation round trip needs. */
final class Pkce {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Pkce() {
    }

    /** 64 characters of the unreserved alphabet (RFC 7636 asks for 43-128). */
    static String newVerifier() {
        return random(48);
    }

    /** 256 bits: the state that ties a callback to the start that issued it. */
    static String newState() {
        return random(32);
    }

    static String challenge(String verifier) {
        return URL.encodeToString(sha256(verifier));
    }

    /** Hex SHA-256: states are stored under their hash, so the table never holds a usable state. */
    static String hash(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return URL.encodeToString(b);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
