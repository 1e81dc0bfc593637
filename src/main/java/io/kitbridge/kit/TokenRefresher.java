package io.kitbridge.kit;

import io.kitbridge.store.Connection;

/**
 * Implemented by the oauth capability: keeps an account's OAuth tokens fresh. Lives here so the gateway
 * can ask for a refresh without depending on a capability.
 */
public interface TokenRefresher {
    /** Kit said the access token expired: refresh it (single-flight across Lambdas) before the one retry. */
    void refreshAfterExpiry(String account);

    /** Kit said the token is invalid: the connection is broken until someone reconnects it. */
    void markBroken(String account, String reason);

    /**
     * As {@link #refreshAfterExpiry(String)}, naming the token Kit refused: when the stored token is already a
     * newer one (another caller refreshed first), nothing is refreshed and the caller retries with it.
     */
    default void refreshAfterExpiry(String account, String expiredAccessToken) {
        refreshAfterExpiry(account);
    }

    /**
     * As {@link #markBroken(String, String)}, naming the token Kit refused. A refresh revokes the previous
     * access token, so a refusal of a token that was already replaced says nothing about the connection.
     *
     * @return true when the connection is now broken; false when the refused token had been replaced (retry)
     */
    default boolean markBroken(String account, String reason, String refusedAccessToken) {
        markBroken(account, reason);
        return true;
    }

    /** The connection to use now: itself, or refreshed first when its access token is about to expire. */
    default Connection ensureFresh(Connection connection) {
        return connection;
    }

    /** Epoch millis from which {@code connection} is due for a refresh ahead of expiry (MAX_VALUE: never). */
    default long refreshDueAtMillis(Connection connection) {
        return Long.MAX_VALUE;
    }
}
