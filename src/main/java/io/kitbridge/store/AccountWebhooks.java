package io.kitbridge.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What the connections item of an account says about its webhooks: the legacy URL token, the signing secret of
 * our endpoint, and the token/secret they replaced, accepted until {@code previousUntil} (epoch seconds) so
 * deliveries already in flight when setup replaced them still verify. Never printed with its secrets.
 */
public record AccountWebhooks(String account, String mode, String token, String secret, Long endpointId,
        String previousToken, String previousSecret, long previousUntil, List<String> events) {
    public static final String MODE_LEGACY = "legacy";
    public static final String MODE_SIGNED = "signed";

    public static AccountWebhooks none(String account) {
        return new AccountWebhooks(account, null, null, null, null, null, null, 0, List.of());
    }

    /** Signing secrets accepted at {@code nowSeconds}: the current one, and the previous one during its grace. */
    public List<String> signingSecrets(long nowSeconds) {
        return accepted(secret, previousSecret, nowSeconds);
    }

    /** Legacy URL tokens accepted at {@code nowSeconds}. */
    public List<String> tokens(long nowSeconds) {
        return accepted(token, previousToken, nowSeconds);
    }

    public boolean isEmpty() {
        return token == null && secret == null && previousToken == null && previousSecret == null;
    }

    private List<String> accepted(String current, String previous, long nowSeconds) {
        List<String> out = new ArrayList<>(2);
        if (current != null) {
            out.add(current);
        }
        if (previous != null && nowSeconds < previousUntil) {
            out.add(previous);
        }
        return out;
    }

    @Override
    public String toString() {
        return "AccountWebhooks[account=" + account + ", mode=" + mode + ", token=" + (token == null ? "none" : "***")
                + ", secret=" + (secret == null ? "none" : "***") + ", endpointId=" + endpointId + "]";
    }
}
