package io.kitbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small local stand-in for AWS Secrets Manager's GetSecretValue (AWS JSON 1.1 protocol: POST /, header
 * {@code X-Amz-Target: secretsmanager.GetSecretValue}, body {@code {"SecretId": ...}}), so tests run the real AWS
 * SDK client against it through an endpoint override. Like the service it refuses unsigned requests, other
 * operations and unknown secrets with the service's error shapes. Counts reads per secret.
 */
public final class SecretsManagerStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "secretsmanager.GetSecretValue";
    private static SecretsManagerStandIn shared;

    private final HttpServer server;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    private final AtomicInteger versions = new AtomicInteger();

    private SecretsManagerStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        // one thread per exchange: a half-open connection must not hold up every later request
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "secrets-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static SecretsManagerStandIn start() {
        try {
            return new SecretsManagerStandIn();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One per test JVM, like dynalite. */
    public static synchronized SecretsManagerStandIn shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Creates or rotates a secret; returns its ARN. */
    public String put(String name, String value) {
        String arn = arn(name);
        values.put(arn, value);
        return arn;
    }

    public static String arn(String name) {
        return "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name;
    }

    /** GetSecretValue requests that named this ARN (answered or not). */
    public int reads(String arn) {
        AtomicInteger n = reads.get(arn);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
            error(ex, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
            return;
        }
        if (!"POST".equals(ex.getRequestMethod()) || !TARGET.equals(ex.getRequestHeaders().getFirst("X-Amz-Target"))) {
            error(ex, 400, "UnknownOperationException", "this stand-in serves GetSecretValue only");
            return;
        }
        JsonNode request = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        String id = request.path("SecretId").asText("");
        reads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        String value = values.get(id);
        if (value == null) {
            error(ex, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("ARN", id);
        out.put("Name", id.substring(id.lastIndexOf(':') + 1));
        out.put("SecretString", value);
        out.put("VersionId", "v" + versions.incrementAndGet());
        out.putArray("VersionStages").add("AWSCURRENT");
        out.put("CreatedDate", System.currentTimeMillis() / 1000.0);
        send(ex, 200, out);
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("__type", type);
        out.put("message", message);
        send(ex, status, out);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
