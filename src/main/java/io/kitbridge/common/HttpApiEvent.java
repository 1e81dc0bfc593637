package io.kitbridge.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway HTTP API payload format 2.0, as the webhook and oauth functions receive it. Header names
 * arrive lower-cased from API Gateway; lookups here are case-insensitive anyway.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record HttpApiEvent(String version, String routeKey, String rawPath, String rawQueryString,
        Map<String, String> headers, Map<String, String> queryStringParameters, Map<String, String> pathParameters,
        String body, boolean isBase64Encoded, Map<String, Object> requestContext) {

    public Optional<String> header(String name) {
        if (headers == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.entrySet().stream().filter(e -> e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Map.Entry::getValue).findFirst();
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(queryStringParameters == null ? null : queryStringParameters.get(name));
    }

    public Optional<String> path(String name) {
        return Optional.ofNullable(pathParameters == null ? null : pathParameters.get(name));
    }

    /** The raw body bytes (base64-decoded when API Gateway encoded them); null body → empty. */
    public byte[] rawBody() {
        if (body == null) {
            return new byte[0];
        }
        return isBase64Encoded ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    /** "GET", "POST", ... from requestContext.http.method, else from the routeKey. */
    public String method() {
        if (requestContext != null && requestContext.get("http") instanceof Map<?, ?> http && http.get("method") != null) {
            return http.get("method").toString().toUpperCase(Locale.ROOT);
        }
        if (routeKey != null && routeKey.contains(" ")) {
            return routeKey.substring(0, routeKey.indexOf(' ')).toUpperCase(Locale.ROOT);
        }
        return "";
    }
}
