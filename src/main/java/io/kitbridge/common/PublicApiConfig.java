package io.kitbridge.common;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * kitbridge.public-api.* — the deployment's public HTTP API. {@code base-url} defaults to the older
 * kitbridge.webhook.base-url (application.properties), so existing configurations keep working.
 */
@ConfigMapping(prefix = "kitbridge.public-api")
public interface PublicApiConfig {
    /** e.g. https://abc.execute-api.eu-west-1.amazonaws.com (no trailing slash needed). */
    Optional<String> baseUrl();
}
