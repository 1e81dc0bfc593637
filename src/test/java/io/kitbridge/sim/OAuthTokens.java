package io.kitbridge.sim;

/** An access/refresh token pair issued by the simulated OAuth server. */
public record OAuthTokens(String accessToken, String refreshToken) {
    @Override
    public String toString() {
        return "OAuthTokens[accessToken=<redacted>, refreshToken=<redacted>]";
    }
}
