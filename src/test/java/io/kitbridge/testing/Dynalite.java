package io.kitbridge.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dynalite (a DynamoDB API server on LevelDB, in memory here) on a free loopback port, one per JVM.
 * It is a real DynamoDB wire protocol peer: no mocks. Installed from infra/local/node by the build
 * (Maven profile npm-install) or, failing that, here.
 */
public final class Dynalite {
    private static Dynalite instance;

    private final Process process;
    private final int port;

    private Dynalite(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized Dynalite shared() {
        if (instance == null || !instance.process.isAlive()) {
            instance = start();
            Dynalite started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        }
        return instance;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** What dynalite (and its wrapper) wrote: one file per port. */
    Path log() {
        return logOf(port);
    }

    private static Path logOf(int port) {
        return Path.of(System.getProperty("java.io.tmpdir"), "kitbridge-dynalite-" + port + ".log");
    }

    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Dynalite start() {
        // dynalite's own cli.js, wrapped so that a request our client aborts (a deadline-derived timeout) does not end
        // the server: unwrapped, one timed-out call left every later test of the JVM with "Connection refused"
        Path cli = NodeTools.ensureInstalled().resolve("dynalite-server.js");
        int port = freePort();
        try {
            // the 1M-subscriber sync benchmark holds ~4 GB in dynalite's in-memory store: more than Node's default heap
            ProcessBuilder pb = new ProcessBuilder(List.of(NodeTools.node(), "--max-old-space-size=8192", cli.toString(),
                    "--port", Integer.toString(port),
                    "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"))
                    .redirectErrorStream(true)
                    .redirectOutput(logOf(port).toFile());
            Process process = pb.start();
            waitForPort(port, Duration.ofSeconds(20), process);
            return new Dynalite(process, port);
        } catch (IOException e) {
            throw new IllegalStateException("could not start dynalite (" + cli + "): " + e.getMessage(), e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitForPort(int port, Duration timeout, Process process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dynalite exited with " + process.exitValue());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("dynalite did not open port " + port + " within " + timeout);
    }

    /** Where the npm tools live and how to run them. */
    public static final class NodeTools {
        private NodeTools() {
        }

        public static String node() {
            return System.getProperty("kitbridge.node", "node");
        }

        public static Path dir() {
            String configured = System.getProperty("kitbridge.node.dir");
            Path dir = configured != null ? Path.of(configured) : Path.of("infra/local/node");
            return dir.toAbsolutePath();
        }

        /** Runs `npm ci` once if the tools are missing (the Maven build normally did it already). */
        public static synchronized Path ensureInstalled() {
            Path dir = dir();
            if (Files.isDirectory(dir.resolve("node_modules/dynalite")) && Files.isDirectory(dir.resolve("node_modules/aws-local-stepfunctions"))) {
                return dir;
            }
            try {
                Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
                if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                    throw new IllegalStateException("npm ci in " + dir + " failed; run it by hand to see why");
                }
                return dir;
            } catch (IOException e) {
                throw new IllegalStateException("npm is needed for the test tools (Node 20+): " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
