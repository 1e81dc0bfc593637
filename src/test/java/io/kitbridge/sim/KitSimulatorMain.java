package io.kitbridge.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone simulator for demos:
 * {@code --port N --subscribers N --tags N --dialect seed|public --api-key K --window-seconds S [--no-stdin]}.
 * Prints {@code KIT_SIMULATOR_READY <baseUrl>} and runs until stdin closes (unless --no-stdin) or SIGTERM.
 */
public final class KitSimulatorMain {
    private KitSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        KitSimulator sim = start(args, System.out);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }, "kit-sim-shutdown"));
        if (!List.of(args).contains("--no-stdin")) {
            Thread t = new Thread(() -> {
                drain(System.in);
                stop.countDown();
            }, "kit-sim-stdin");
            t.setDaemon(true);
            t.start();
        }
        stop.await();
        sim.close();
        System.exit(0);
    }

    static void drain(InputStream in) {
        byte[] buf = new byte[1024];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    /** Parse args, start and seed the simulator, print the ready line. */
    static KitSimulator start(String[] args, PrintStream out) {
        int port = 0;
        int subscribers = 1000;
        int tags = 10;
        SimConfig config = SimConfig.defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-stdin")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--port":
                    port = Integer.parseInt(v);
                    break;
                case "--subscribers":
                    subscribers = Integer.parseInt(v);
                    break;
                case "--tags":
                    tags = Integer.parseInt(v);
                    break;
                case "--dialect":
                    config = config.withDialect(Dialect.valueOf(v.toUpperCase(Locale.ROOT)));
                    break;
                case "--api-key":
                    config = config.withApiKeys(Set.of(v));
                    break;
                case "--window-seconds":
                    config = config.withWindow(Duration.ofSeconds(Long.parseLong(v)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a);
            }
        }
        KitSimulator sim = KitSimulator.start(config, port);
        sim.admin().seed(new SeedSpec(subscribers, tags, List.of("company", "plan", "role"), config.randomSeed()));
        out.println("KIT_SIMULATOR_READY " + sim.baseUrl());
        out.flush();
        return sim;
    }
}
