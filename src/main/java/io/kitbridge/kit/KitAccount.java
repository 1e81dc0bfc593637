package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code GET /v4/account}: which Kit account (and user) a credential belongs to. Kit documents it as the way an
 * OAuth app learns which account authorised it (kit-v4-deltas.md, row "Account identity").
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record KitAccount(User user, Account account) {

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(Long id, String email) {
    }

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Account(Long id, String name, String planType, String primaryEmailAddress, String createdAt) {
    }
}
