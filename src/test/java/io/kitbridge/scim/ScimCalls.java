package io.kitbridge.scim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.testing.Lambda;
import io.kitbridge.webhook.ApiGatewayEvents;
import io.restassured.response.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SCIM requests as API Gateway (HTTP API, payload 2.0, route ANY /scim/v2/{account}/{proxy+}) hands them to the scim
 * function, invoked through the Lambda mock event server; answers unpacked from the API Gateway response.
 */
final class ScimCalls {
    /** One HTTP answer of the scim function. */
    record Answer(int status, Map<String, String> headers, String rawBody) {
        JsonNode json() {
            try {
                return ApiGatewayEvents.JSON.readTree(rawBody);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + rawBody, e);
            }
        }

        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + rawBody;
        }
    }

    private ScimCalls() {
    }

    static Map<String, Object> event(String method, String account, String pathAndQuery, String token, String body,
            String contentType) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        if (body != null) {
            headers.put("content-type", contentType);
        }
        headers.put("user-agent", "Okta SCIM Client 1.0.0");
        String rawPath = "/scim/v2/" + account + path;
        Map<String, Object> event = ApiGatewayEvents.event(method, rawPath, account, query, headers, body, false);
        event.put("routeKey", "ANY /scim/v2/{account}/{proxy+}");
        event.put("pathParameters", Map.of("account", account, "proxy", path.startsWith("/") ? path.substring(1) : path));
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) event.get("requestContext");
        context.put("routeKey", "ANY /scim/v2/{account}/{proxy+}");
        return event;
    }

    static Answer call(String method, String account, String pathAndQuery, String token, Object body) {
        String json = body == null ? null : body instanceof String s ? s : ApiGatewayEvents.write(body);
        return send(event(method, account, pathAndQuery, token, json, "application/scim+json"));
    }

    static Answer send(Map<String, Object> event) {
        Response r = Lambda.invoke(event);
        assertEquals(200, r.statusCode(), "the Lambda invocation itself must succeed (no function error): " + r.asString());
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, Object> raw = r.jsonPath().getMap("headers");
        if (raw != null) {
            raw.forEach((k, v) -> headers.put(k.toLowerCase(), String.valueOf(v)));
        }
        return new Answer(r.jsonPath().getInt("statusCode"), headers, r.jsonPath().getString("body"));
    }

    /** Mints a token through a direct invoke, as the operator would. */
    static String mint(String account) {
        Response r = Lambda.invoke(Map.of("action", "token", "account", account));
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getString("token");
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
