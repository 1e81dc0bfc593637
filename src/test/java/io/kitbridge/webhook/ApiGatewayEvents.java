package io.kitbridge.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Builds API Gateway HTTP API (payload 2.0) events for {@code POST /webhooks/{account}} exactly as API Gateway
 * hands them to the Lambda, and Kit-shaped delivery bodies.
 */
public final class ApiGatewayEvents {
    public static final ObjectMapper JSON = new ObjectMapper();

    private ApiGatewayEvents() {
    }

    public static Map<String, Object> post(String account, String rawQuery, Map<String, String> headers, String body,
            boolean base64) {
        return event("POST", "/webhooks/" + account, account, rawQuery, headers, body, base64);
    }

    public static Map<String, Object> event(String method, String path, String account, String rawQuery,
            Map<String, String> headers, String body, boolean base64) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        h.put("user-agent", "Kit-Webhooks/1.0");
        h.put("host", "abc123.execute-api.eu-west-1.amazonaws.com");
        h.put("x-forwarded-proto", "https");
        if (headers != null) {
            headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        }
        long now = System.currentTimeMillis();
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("method", method);
        http.put("path", path);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "198.51.100.7");
        http.put("userAgent", h.get("user-agent"));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("accountId", "123456789012");
        context.put("apiId", "abc123");
        context.put("domainName", "abc123.execute-api.eu-west-1.amazonaws.com");
        context.put("domainPrefix", "abc123");
        context.put("http", http);
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", "POST /webhooks/{account}");
        context.put("stage", "$default");
        context.put("time", Instant.ofEpochMilli(now).toString());
        context.put("timeEpoch", now);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "POST /webhooks/{account}");
        event.put("rawPath", path);
        event.put("rawQueryString", rawQuery == null ? "" : rawQuery);
        event.put("headers", h);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            event.put("queryStringParameters", query(rawQuery));
        }
        if (account != null) {
            event.put("pathParameters", Map.of("account", account));
        }
        event.put("requestContext", context);
        if (body != null) {
            event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        }
        event.put("isBase64Encoded", base64);
        return event;
    }

    /** As API Gateway does: decoded values, repeated names joined with commas. */
    public static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.merge(k, v, (a, b) -> a + "," + b);
        }
        return out;
    }

    // ---------------------------------------------------------------- Kit delivery bodies

    public static Map<String, Object> subscriber(long id, String email, String state, Map<String, String> fields) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("first_name", "First" + id);
        s.put("email_address", email);
        s.put("state", state);
        s.put("created_at", "2026-01-01T00:00:00Z");
        s.put("fields", fields == null ? Map.of() : fields);
        return s;
    }

    public static String legacyBody(Map<String, Object> subscriber) {
        return write(Map.of("subscriber", subscriber));
    }

    public static Map<String, Object> signedEvent(String id, String type, Instant created, Map<String, Object> subscriber,
            Map<String, Object> extraData) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (subscriber != null) {
            data.put("subscriber", subscriber);
        }
        if (extraData != null) {
            data.putAll(extraData);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("type", type);
        e.put("created", created.toString());
        e.put("data", data);
        return e;
    }

    public static String signedBody(List<Map<String, Object>> events) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("delivery_id", UUID.randomUUID().toString());
        body.put("events", events);
        return write(body);
    }

    public static String signature(String secret, long t, String body) {
        return KitSignature.sign(secret, t, body.getBytes(StandardCharsets.UTF_8));
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
