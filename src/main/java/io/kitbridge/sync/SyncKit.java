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
    @Inject
    KitGateway gateway;

    @Inject
    SyncConfig config;

    /** A read, or an idempotent write (PUT, tag): safe for the gateway to repeat on a transient fault. */
    <T> T call(SyncState s, String operation, Function<KitApi, T> request) {
        long started = System.nanoTime();
        boolean sent = true;
        try {
            Duration permitWait = config.maxPermitWait();
            KitCall call = permitWait.isZero() || permitWait.isNegative() ? KitCall.bulk(s.account, operation, true)
                    : new KitCall(s.account, operation, Priority.BULK, permitWait, true);
            return gateway.call(call, request);
        } catch (BudgetExhaustedException noPermit) {
            sent = false;
            throw noPermit;
        } finally {
            if (sent) {
                s.add(SyncState.KIT_REQUESTS, 1);
                s.add(SyncState.KIT_MILLIS, (System.nanoTime() - started) / 1_000_000);
            }
        }
    }
}
