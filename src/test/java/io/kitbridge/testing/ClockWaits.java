package io.kitbridge.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits of a local state machine run that pass on the application's clock: serves infra/local/sfn-run.mjs's
 * {@code --wait-url} by moving the {@link TestClock} forward by each wait's seconds. With the clock frozen for the run,
 * a permit comes due only through a Wait state, never because the machine happened to be slow, so how many Waits a
 * run takes is the same on every machine.
 */
public final class ClockWaits implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger waits = new AtomicInteger();

    private ClockWaits(HttpServer server) {
        this.server = server;
    }

    /** Starts the endpoint and freezes the clock; {@link #close()} stops it and lets the clock run again. */
    public static ClockWaits start(TestClock clock) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ClockWaits waits = new ClockWaits(server);
            server.createContext("/wait", exchange -> {
                long seconds = JSON.readTree(exchange.getRequestBody()).path("seconds").asLong();
                clock.advance(Duration.ofSeconds(seconds));
                waits.waits.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            clock.freeze();
            return waits;
        } catch (IOException e) {
            throw new IllegalStateException("could not serve --wait-url", e);
        }
    }

    /** The runner's option: {@code --wait-url http://127.0.0.1:<port>/wait}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/wait";
    }

    /** Waits served so far. */
    public int count() {
        return waits.get();
    }

    @Override
    public void close() {
        server.stop(0);
        TestClock.current().resume();
    }
}
