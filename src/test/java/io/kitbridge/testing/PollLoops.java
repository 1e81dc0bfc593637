package io.kitbridge.testing;

import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Waits for the previous test application's Lambda poll thread to end before the next application starts.
 * Quarkus stops that thread by a flag it reads only between polls (quarkusio/quarkus#15195): a thread still between
 * two polls when the next application runs can take that application's first event and drop it. The other half of
 * the problem, a poll the mock event server keeps after its client left, is {@link StalePollers}'.
 */
public final class PollLoops {
    private static final Logger LOG = Logger.getLogger(PollLoops.class);
    static final String THREAD_NAME = "Lambda Thread (TEST)";
    static final int MAX_POLLS = 200; // × 50 ms: a bound for a stuck thread, not a timing assumption

    private PollLoops() {
    }

    /** Called first by every test resource's start(): the previous application is stopped by then. */
    public static void awaitPreviousEnded() {
        for (int i = 0; i < MAX_POLLS; i++) {
            if (running().isEmpty()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warnf("a previous application's Lambda poll thread is still running: %s", running());
    }

    static Set<Thread> running() {
        Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (THREAD_NAME.equals(t.getName()) && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }
}
