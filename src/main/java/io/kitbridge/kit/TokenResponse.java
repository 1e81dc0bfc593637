package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** OAuth token response. A refresh returns a NEW refresh token: the old one is dead from then on. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenResponse(String accessToken, String tokenType, String refreshToken, Long expiresIn, String scope,
        Long createdAt) {
    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", scope=" + scope + "]";
    }
}
