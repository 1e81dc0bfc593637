package io.kitbridge.store;

import java.util.List;

/**
 * An account's connection to Kit: an API key, or OAuth tokens with their expiry and a version used for
 * optimistic locking of refreshes. Never printed with its secrets.
 */
public record Connection(String account, String kind, String apiKey, String accessToken, String refreshToken,
        long accessExpiresAt, List<String> scopes, long version, String status, String statusReason) {
    public static final String KIND_API_KEY = "api_key";
    public static final String KIND_OAUTH = "oauth";
    public static final String STATUS_CONNECTED = "connected";
    public static final String STATUS_BROKEN = "broken";

    public boolean isBroken() {
        return STATUS_BROKEN.equals(status);
    }

    public boolean isOauth() {
        return KIND_OAUTH.equals(kind);
    }

    @Override
    public String toString() {
        return "Connection[account=" + account + ", kind=" + kind + ", status=" + status + ", version=" + version + "]";
    }
}
