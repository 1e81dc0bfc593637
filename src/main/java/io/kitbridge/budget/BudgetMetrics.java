package io.kitbridge.budget;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Budget counters, emitted as CloudWatch embedded-metric-format log lines (one per flush, not per
 * permit, to keep log volume flat). Credential names in metrics are fingerprints, never secrets.
 */
@ApplicationScoped
public class BudgetMetrics {
    private static final Logger LOG = Logger.getLogger("kitbridge.metrics");
    private static final long FLUSH_EVERY_MILLIS = 15_000;

    private final LongAdder granted = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final LongAdder waitMillis = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder dynamoCalls = new LongAdder();
    private final AtomicLong lastFlush = new AtomicLong(System.currentTimeMillis());

    void granted(long waitedMillis) {
        granted.increment();
        waitMillis.add(waitedMillis);
        maybeFlush();
    }

    void denied() {
        denied.increment();
        maybeFlush();
    }

    void throttled() {
        throttled.increment();
        flush();
    }

    void dynamoCall() {
        dynamoCalls.increment();
    }

    public long grantedCount() {
        return granted.sum();
    }

    public long dynamoCallCount() {
        return dynamoCalls.sum();
    }

    public long throttledCount() {
        return throttled.sum();
    }

    private void maybeFlush() {
        long last = lastFlush.get();
        long now = System.currentTimeMillis();
        if (now - last >= FLUSH_EVERY_MILLIS && lastFlush.compareAndSet(last, now)) {
            flush();
        }
    }

    /** Emits the counters gathered since the last flush. */
    public void flush() {
        long g = granted.sumThenReset();
        long d = denied.sumThenReset();
        long w = waitMillis.sumThenReset();
        long t = throttled.sumThenReset();
        if (g + d + t == 0) {
            return;
        }
        LOG.infof("{\"_aws\":{\"Timestamp\":%d,\"CloudWatchMetrics\":[{\"Namespace\":\"kitbridge\",\"Dimensions\":[[]],"
                + "\"Metrics\":[{\"Name\":\"PermitsGranted\",\"Unit\":\"Count\"},{\"Name\":\"PermitsDenied\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"PermitWaitMillis\",\"Unit\":\"Milliseconds\"},{\"Name\":\"Kit429s\",\"Unit\":\"Count\"}]}]},"
                + "\"PermitsGranted\":%d,\"PermitsDenied\":%d,\"PermitWaitMillis\":%d,\"Kit429s\":%d}",
                System.currentTimeMillis(), g, d, w, t);
    }
}
