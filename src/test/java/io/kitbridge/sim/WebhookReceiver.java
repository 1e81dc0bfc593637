package io.kitbridge.sim;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/** A tiny HTTP server that records POSTs (for webhook and bulk-callback tests). */
final class WebhookReceiver implements AutoCloseable {
    record Received(String path, String query, String signature, String body, long atNanos) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    /** Statuses to answer in order; 200 when empty (429/503 carry Retry-After: 1). */
    final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            synchronized (received) {
                received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                        ex.getRequestHeaders().getFirst("X-Kit-Signature"), body, System.nanoTime()));
            }
            Integer st = statuses.poll();
            if (st != null && (st == 429 || st == 503)) {
                ex.getResponseHeaders().set("Retry-After", "1");
            }
            ex.sendResponseHeaders(st == null ? 200 : st, -1);
            ex.close();
        });
        server.start();
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Wait until at least {@code n} requests arrived. */
    List<Received> awaitCount(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return received();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
