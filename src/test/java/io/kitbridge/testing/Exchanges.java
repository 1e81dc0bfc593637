package io.kitbridge.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes an answer to a JDK HttpServer exchange, as the API Gateway stand-ins (webhook, SCIM) relay a function's. */
public final class Exchanges {
    private Exchanges() {
    }

    public static void send(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
        exchange.close();
    }
}
