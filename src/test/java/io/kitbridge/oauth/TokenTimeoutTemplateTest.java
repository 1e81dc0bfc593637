package io.kitbridge.oauth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.testing.Template;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A token refresh must fit in every function that may start one: the token endpoint's connect + read timeout (plus
 * the refresh margin) stays below the shortest function Timeout in template.yaml. Read from the template and the
 * config defaults, so changing either without the other fails here. (Guards issue 14: a refresh cut off after Kit
 * rotated the token loses the new refresh token.)
 */
class TokenTimeoutTemplateTest {

    @Test
    void should_keep_token_endpoint_timeouts_below_the_shortest_function_timeout_when_template_is_read() throws Exception {
        // GIVEN every function's Timeout in template.yaml (and the Globals default)
        JsonNode template = Template.read();
        List<Long> timeouts = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if ("AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) {
                JsonNode t = e.getValue().path("Properties").path("Timeout");
                t = t.isMissingNode() ? template.path("Globals").path("Function").path("Timeout") : t;
                assertTrue(t.canConvertToLong(), e.getKey() + " has no numeric Timeout");
                timeouts.add(t.asLong());
            }
        });
        assertFalse(timeouts.isEmpty());
        long shortest = timeouts.stream().mapToLong(Long::longValue).min().orElseThrow() * 1000;
        // WHEN the token request's longest duration is worked out from the config defaults
        Duration connect = defaultOf("tokenConnectTimeout");
        Duration read = defaultOf("tokenReadTimeout");
        Duration margin = defaultOf("refreshTimeMargin");
        // THEN a refresh (never retried) plus its margin fits in the shortest function, and nothing overrides it
        long needed = connect.plus(read).plus(margin).toMillis();
        assertTrue(needed < shortest, "token timeouts " + connect + " + " + read + " + margin " + margin
                + " must stay below the shortest function Timeout " + shortest + " ms");
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        assertFalse(properties.contains("kitbridge.oauth.token-connect-timeout")
                || properties.contains("kitbridge.oauth.token-read-timeout"), "overridden in application.properties");
        assertFalse(Files.readString(Path.of("template.yaml")).contains("KITBRIDGE_OAUTH_TOKEN_"),
                "overridden in template.yaml");
    }

    private static Duration defaultOf(String method) throws NoSuchMethodException, IOException {
        String value = OAuthConfig.class.getMethod(method).getAnnotation(WithDefault.class).value();
        return Duration.parse("PT" + value.toUpperCase());
    }
}
