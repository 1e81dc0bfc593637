package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kitbridge.webhook.ApiGatewayEvents;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * API Gateway in front of the scim function, on loopback: every HTTP request to /scim/v2/{account}/... becomes an HTTP
 * API payload 2.0 event, is handed to {@link Invoker} (the Lambda mock event server, or a Lambda Runtime API serving
 * the packaged artifact), and the function's {statusCode, headers, body} becomes the HTTP answer — so a real SCIM
 * client can talk to the function as an IdP would.
 */
final class ScimGateway implements AutoCloseable {
    /** Invokes the function with an event (JSON) and returns its result (JSON), or throws on a function error. */
    interface Invoker {
        String invoke(String event) throws Exception;
    }

    private final HttpServer server;
    private final Invoker invoker;

    ScimGateway(Invoker invoker) throws IOException {
        this.invoker = invoker;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scim-gateway");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl(String account) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/scim/v2/" + account;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        headers.put("x-forwarded-proto", "http"); // API Gateway is https; this one answers on plain loopback
        String[] parts = path.split("/", 5); // "", scim, v2, account, proxy
        String account = parts.length > 3 ? parts[3] : null;
        Map<String, Object> event = ApiGatewayEvents.event(exchange.getRequestMethod(), path, account, query, headers,
                body.isEmpty() ? null : body, false);
        event.put("routeKey", "ANY /scim/v2/{account}/{proxy+}");
        if (account != null && parts.length > 4) {
            event.put("pathParameters", Map.of("account", account, "proxy", parts[4]));
        }
        int status;
        String responseBody;
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        try {
            JsonNode response = ApiGatewayEvents.JSON.readTree(invoker.invoke(ApiGatewayEvents.write(event)));
            if (!response.has("statusCode")) {
                status = 502; // what API Gateway answers when the integration fails
                responseBody = response.toString();
            } else {
                status = response.get("statusCode").asInt();
                responseBody = response.path("body").asText("");
                response.path("headers").fields().forEachRemaining(h -> responseHeaders.put(h.getKey(), h.getValue().asText()));
            }
        } catch (Exception e) {
            status = 502;
            responseBody = "{\"message\":\"Internal Server Error\"}";
        }
        io.kitbridge.testing.Exchanges.send(exchange, status, responseHeaders, responseBody);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
