package io.kitbridge.webhook;

import java.util.List;

/**
 * What the connections item of an account says about its webhooks: the legacy URL token, the signing secret of
 * our endpoint (and the one it replaced, during a grace period). Never printed with its secrets.
 */
public record AccountWebhooks(String account, String mode, String token, String secret, Long endpointId,
        String previousSecret, long previousSecretUntil, List<String> events) {
    public static final String MODE_LEGACY = "legacy";
    public static final String MODE_SIGNED = "signed";

    public static AccountWebhooks none(String account) {
        return new AccountWebhooks(account, null, null, null, null, null, 0, List.of());
    }

    /** Signing secrets accepted at {@code nowSeconds}: the current one, and the previous one until its grace ends. */
    public List<String> signingSecrets(long nowSeconds) {
        if (previousSecret != null && nowSeconds < previousSecretUntil) {
            return secret == null ? List.of(previousSecret) : List.of(secret, previousSecret);
        }
        return secret == null ? List.of() : List.of(secret);
    }

    @Override
    public String toString() {
        return "AccountWebhooks[account=" + account + ", mode=" + mode + ", token=" + (token == null ? "none" : "***")
                + ", secret=" + (secret == null ? "none" : "***") + ", endpointId=" + endpointId + "]";
    }
}
