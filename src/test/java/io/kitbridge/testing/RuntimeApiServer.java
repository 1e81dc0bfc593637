package io.kitbridge.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The AWS Lambda Runtime API (2018-06-01) on loopback: the part of the Lambda service a runtime talks to.
 * Hand it events with {@link #invoke}; the runtime under test polls /invocation/next and posts the response.
 */
public final class RuntimeApiServer implements AutoCloseable {
    private final HttpServer server;
    private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();
    private volatile long firstNextAtNanos;

    public record Result(int status, String body, boolean error) {
    }

    private record Invocation(String id, String event, CompletableFuture<Result> result) {
    }

    public RuntimeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/2018-06-01/runtime/", this::handle);
        server.start();
    }

    /** host:port for AWS_LAMBDA_RUNTIME_API. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public long firstPollNanos() {
        return firstNextAtNanos;
    }

    public Result invoke(String event, Duration timeout) throws Exception {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event, new CompletableFuture<>());
        pending.add(invocation);
        CompletableFuture<Object> any = CompletableFuture.anyOf(invocation.result(), initError);
        Object outcome = any.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (outcome instanceof String initFailure) {
            throw new IllegalStateException("runtime reported an init error: " + initFailure);
        }
        return (Result) outcome;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (path.endsWith("/invocation/next")) {
                if (firstNextAtNanos == 0) {
                    firstNextAtNanos = System.nanoTime();
                }
                Invocation next = pending.take();
                inFlight.put(next.id(), next);
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.id());
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:000000000000:function:kitbridge-test");
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                send(exchange, 200, next.event());
            } else if (path.contains("/invocation/")) {
                String[] parts = path.split("/");
                String id = parts[parts.length - 2];
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Invocation done = inFlight.remove(id);
                if (done != null) {
                    done.result().complete(new Result(200, body, path.endsWith("/error")));
                }
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.endsWith("/init/error")) {
                initError.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                send(exchange, 404, "{}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
