package io.kitbridge.sync;

import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.budget.Priority;
import io.kitbridge.kit.KitApi;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Function;

/**
 * Sync's Kit calls: bulk priority, never sleeping for a permit beyond kitbridge.sync.max-permit-wait (default 0:
 * BudgetExhaustedException says how long to wait and the state machine waits), counted and timed into the run's
 * stats so processing time can be told apart from Kit latency.
 */
@ApplicationScoped
class SyncKit {
    @Inject KitGateway gateway;

    @Inject SyncConfig config;

    /** A read, or an idempotent write (PUT, tag): safe for the gateway to repeat on a transient fault. */
    <T> T call(SyncState s, String operation, Function<KitApi, T> request) {
        Timed<T> done = timed(s.account, operation, request);
        done.count(s);
        return done.get();
    }

    /**
     * The same call without touching the run state (a page read ahead on another thread): the outcome, a failure
     * included, and whether a request went out and how long it took, for {@link Timed#count} on the run's thread.
     */
    <T> Timed<T> timed(String account, String operation, Function<KitApi, T> request) {
        long started = System.nanoTime();
        try {
            Duration permitWait = config.maxPermitWait();
            KitCall call = permitWait.isZero() || permitWait.isNegative() ? KitCall.bulk(account, operation, true)
                    : new KitCall(account, operation, Priority.BULK, permitWait, true);
            return new Timed<>(gateway.call(call, request), null, true, (System.nanoTime() - started) / 1_000_000);
        } catch (BudgetExhaustedException noPermit) {
            return new Timed<>(null, noPermit, false, 0); // no permit, no request
        } catch (RuntimeException failed) {
            return new Timed<>(null, failed, true, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** A Kit call's outcome: its value or failure, whether a request was sent, and its duration. */
    record Timed<T>(T value, RuntimeException failure, boolean sent, long millis) {
        /** Counts the request into the run's stats (on the run's own thread). */
        void count(SyncState s) {
            if (sent) {
                s.add(SyncStat.KIT_REQUESTS, 1);
                s.add(SyncStat.KIT_MILLIS, millis);
            }
        }

        T get() {
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }
}
