package io.kitbridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Kit-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]}: HMAC-SHA256 of {@code "<t>.<raw body>"} with the
 * endpoint secret. Two v1 values arrive while Kit rotates a secret; one match is enough. All comparisons are
 * constant-time.
 */
public final class KitSignature {
    public static final String HEADER = "X-Kit-Signature";
    private static final int MAX_HEADER_LENGTH = 1024;

    private KitSignature() {
    }

    /** Why a delivery failed verification (logged, never sent back in detail). */
    public enum Verdict {
        VALID, MALFORMED, STALE, MISMATCH, NO_SECRET
    }

    /**
     * The header's shape and timestamp only: MALFORMED or STALE without touching any secret, so a forged or
     * replayed delivery is turned away before the handler reads a table; VALID means "worth verifying".
     */
    public static Verdict precheck(String header, long nowSeconds, Duration tolerance) {
        Verdict verdict = verify(header, new byte[0], List.of(), nowSeconds, tolerance);
        return verdict == Verdict.NO_SECRET ? Verdict.VALID : verdict;
    }

    public static Verdict verify(String header, byte[] rawBody, List<String> secrets, long nowSeconds, Duration tolerance) {
        if (header.length() > MAX_HEADER_LENGTH) {
            return Verdict.MALFORMED; // two t/v1 pairs fit in ~200 characters; more is not Kit
        }
        Long t = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    t = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return Verdict.MALFORMED;
                }
            } else if (key.equals("v1")) {
                try {
                    candidates.add(HexFormat.of().parseHex(value.toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException notHex) {
                    // an unparseable value simply cannot match
                }
            }
        }
        if (t == null || candidates.isEmpty()) {
            return Verdict.MALFORMED;
        }
        if (Math.abs(nowSeconds - t) > tolerance.toSeconds()) {
            return Verdict.STALE;
        }
        if (secrets.isEmpty()) {
            return Verdict.NO_SECRET;
        }
        byte[] prefix = (t + ".").getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = hmac(secret, prefix, rawBody);
            for (byte[] candidate : candidates) {
                // no early exit: timing does not tell which secret or value matched
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return match ? Verdict.VALID : Verdict.MISMATCH;
    }

    /** The header value Kit would send (tests and tools). */
    public static String sign(String secret, long t, byte[] rawBody) {
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, (t + ".").getBytes(StandardCharsets.US_ASCII), rawBody));
    }

    /** Constant-time equality of two strings of any length (digests first, so length leaks nothing either). */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] da = sha.digest(a.getBytes(StandardCharsets.UTF_8));
            byte[] db = sha.digest(b.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(da, db);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(String secret, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
