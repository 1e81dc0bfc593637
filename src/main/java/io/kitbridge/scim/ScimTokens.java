package io.kitbridge.scim;

import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Per-account SCIM bearer tokens. Only SHA-256 hashes are stored (control table, {@code scim#<account>} /
 * {@code token}); the token itself is shown once, to the operator who minted it. A new token keeps the previous one
 * valid for {@code kitbridge.scim.token-overlap} so an IdP can be switched over; expiry is checked in code against
 * the injected clock (DynamoDB TTL is late, dynalite has none).
 */
@ApplicationScoped
public class ScimTokens {
    static final String HASH = "tokenHash";
    private static final String CREATED_AT = "tokenCreatedAt";
    private static final String PREVIOUS_HASH = "previousTokenHash";
    private static final String PREVIOUS_UNTIL = "previousUntil";
    private static final String PREFIX = "kbscim_";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject ScimRecords records;

    @Inject ScimConfig config;

    @Inject Clock clock;

    /** A fresh token for {@code account}; the previous one stays valid for the configured overlap. */
    public Minted mint(String account) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        Map<String, AttributeValue> attrs = new HashMap<>();
        attrs.put(HASH, Items.s(hash(token)));
        attrs.put(CREATED_AT, Items.s(now.toString()));
        Optional<String> previous = records.tokenItem(account).flatMap(item -> Items.str(item, HASH));
        if (previous.isPresent()) {
            attrs.put(PREVIOUS_HASH, Items.s(previous.get()));
            attrs.put(PREVIOUS_UNTIL, Items.n(now.plus(config.tokenOverlap()).getEpochSecond()));
        }
        records.putTokenItem(account, attrs);
        return new Minted(account, token, now.toString());
    }

    /** Every token of the account stops working at once. */
    public void revoke(String account) {
        records.deleteTokenItem(account);
    }

    /**
     * True when {@code presented} is the account's current token, or its previous one within the overlap. Both hashes
     * are always compared, in constant time, so timing tells nothing about which (if any) matched.
     */
    public boolean accepts(String account, String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        Optional<Map<String, AttributeValue>> item = records.tokenItem(account);
        byte[] candidate = hashBytes(presented);
        byte[] current = item.flatMap(i -> Items.str(i, HASH)).map(ScimTokens::unhex).orElse(new byte[32]);
        boolean previousValid = item.map(i -> Items.numOr(i, PREVIOUS_UNTIL, 0)).orElse(0L) > clock.instant().getEpochSecond();
        byte[] previous = item.flatMap(i -> Items.str(i, PREVIOUS_HASH)).map(ScimTokens::unhex).orElse(new byte[32]);
        boolean matchesCurrent = item.isPresent() && Items.str(item.get(), HASH).isPresent()
                & MessageDigest.isEqual(candidate, current);
        boolean matchesPrevious = previousValid & MessageDigest.isEqual(candidate, previous);
        return matchesCurrent | matchesPrevious;
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(hashBytes(token));
    }

    private static byte[] hashBytes(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unhex(String hex) {
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException corrupt) {
            return new byte[32];
        }
    }

    /** What the operator gets back, once. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Minted(String account, String token, String createdAt) {
    }
}
