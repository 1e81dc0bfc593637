package io.kitbridge.common;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** API Gateway HTTP API (payload 2.0) response. */
@RegisterForReflection
public record HttpApiResponse(int statusCode, Map<String, String> headers, String body, boolean isBase64Encoded) {

    public static HttpApiResponse json(int status, String json) {
        return new HttpApiResponse(status, Map.of("content-type", "application/json"), json, false);
    }

    public static HttpApiResponse html(int status, String html) {
        return new HttpApiResponse(status, Map.of("content-type", "text/html; charset=utf-8",
                "cache-control", "no-store"), html, false);
    }

    public static HttpApiResponse redirect(String location) {
        return new HttpApiResponse(302, Map.of("location", location, "cache-control", "no-store"), "", false);
    }
}
