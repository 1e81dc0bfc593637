package io.kitbridge.kit;

/**
 * Implemented by the oauth capability: keeps an account's OAuth tokens fresh. Lives here so the gateway
 * can ask for a refresh without depending on a capability.
 */
public interface TokenRefresher {
    /** Kit said the access token expired: refresh it (single-flight across Lambdas) before the one retry. */
    void refreshAfterExpiry(String account);

    /** Kit said the token is invalid: the connection is broken until someone reconnects it. */
    void markBroken(String account, String reason);
}
