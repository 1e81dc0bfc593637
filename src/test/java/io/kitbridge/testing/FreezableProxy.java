package io.kitbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of dynalite that a test can freeze: while frozen it still accepts connections and
 * reads requests, but forwards nothing and answers nothing (a store that stopped answering, as in a network
 * partition — not a refused connection, which fails fast by itself). Requests read while frozen are dropped; after
 * {@link #thaw()} new requests pass again. Driven by the test, no timing involved.
 */
public final class FreezableProxy implements AutoCloseable {
    private static volatile FreezableProxy current;

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    private FreezableProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "freezable-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy to {@code upstreamEndpoint} (http://host:port); the latest one started is {@link #current()}. */
    public static synchronized FreezableProxy start(String upstreamEndpoint) {
        java.net.URI uri = java.net.URI.create(upstreamEndpoint);
        try {
            current = new FreezableProxy(new InetSocketAddress(uri.getHost(), uri.getPort()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return current;
    }

    public static FreezableProxy current() {
        return current;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public void freeze() {
        frozen = true;
    }

    public void thaw() {
        frozen = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Socket target = new Socket();
                target.connect(upstream);
                sockets.add(target);
                pump(client, target, "up");
                pump(target, client, "down");
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (frozen) {
                        continue; // swallowed: the caller waits for an answer that never comes
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side went away: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "freezable-proxy-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(FreezableProxy::closeQuietly);
    }
}
