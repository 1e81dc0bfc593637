package io.kitbridge.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** kitbridge.sync.* — how sync-page reads an account into the mirror. */
@ConfigMapping(prefix = "kitbridge.sync")
public interface SyncConfig {
    /** Subscribers (and tag members) per Kit request; Kit's maximum is 1000. */
    @WithDefault("1000")
    int pageSize();

    /** Incremental runs read updated_after = start of the last complete sync minus this (clock skew, in-flight writes). */
    @WithDefault("10m")
    Duration incrementalOverlap();

    /**
     * How long a sync lease lives without renewal (every invocation renews it). Must exceed the longest gap
     * between two invocations of a live execution: max-wait + Step Functions retry backoff + one invocation.
     */
    @WithDefault("15m")
    Duration leaseTtl();

    /** Time budget of one invocation; keep it well under the Lambda timeout. */
    @WithDefault("40s")
    Duration maxInvocationTime();

    /**
     * Units of work (a Kit page, a mirror slice) one invocation does at most, whatever time is left; 0 (default):
     * no cap, only max-invocation-time ends an invocation. A cap makes the number of invocations, and so when a run
     * continues as new, independent of how fast the host is (tests rely on that).
     */
    @WithDefault("0")
    int maxUnitsPerInvocation();

    /** Repair drift between provision's desired state and Kit (PUT fields, tag calls), within the bulk budget. */
    @WithDefault("false")
    boolean repairDrift();

    /** sync-page invocations per execution before it continues as a new one (about 9 history events each). */
    @WithDefault("1000")
    int maxInvocationsPerExecution();

    /**
     * Longest sync-page may wait in-process for a bulk permit. 0 (default): never; the wait goes to the Wait state,
     * whose one-second resolution (with the budget's burst of 2) caps sync near 2-3 requests/s. On OAuth accounts
     * (600/min = 8 bulk permits/s) a few hundred ms lets fast pages (tag members) use the budget fully.
     */
    @WithDefault("0s")
    Duration maxPermitWait();

    /** Upper bound of waitSeconds handed to the Wait state. */
    @WithDefault("300s")
    Duration maxWait();

    /** First wait after Kit failed transiently (doubles per consecutive failure, capped at max-wait). */
    @WithDefault("5s")
    Duration errorBackoff();

    /** Consecutive transient Kit failures after which sync-page fails (Step Functions then retries, then fails). */
    @WithDefault("8")
    int maxConsecutiveErrors();

    /** Incremental runs also read each tag's subscribers tagged_after the watermark (one request per tag at least). */
    @WithDefault("true")
    boolean incrementalTagPass();

    /** Format of updated_after/tagged_after: datetime (ISO-8601 instant) or date (yyyy-mm-dd, the day before). */
    @WithDefault("datetime")
    FilterFormat filterFormat();

    /** Lifetime of a run's working data (seen ids, tag memberships) in the control table. */
    @WithDefault("7d")
    Duration dataTtl();

    /** An unfinished run older than this is abandoned, not resumed, by the next execution. */
    @WithDefault("24h")
    Duration maxRunAge();

    /** Drift findings listed in the final output (all are counted and audited). */
    @WithDefault("50")
    int driftReportLimit();

    /**
     * Parallel DynamoDB calls per page (range Queries / GetItems of the page's records, conditional PutItems of the
     * changed ones, 25 per worker task).
     */
    @WithDefault("4")
    int dynamoConcurrency();

    /**
     * A full run turned away because an incremental sync holds the lease waits this long (in a Step Functions Wait
     * state) and asks again, so the daily full run is not lost. A full run turned away by another full run ends.
     */
    @WithDefault("10m")
    Duration fullRetryDelay();

    /** How many times a full run asks for the lease before it fails with SyncSkipped (default: two hours' worth). */
    @WithDefault("12")
    int fullRetries();

    enum FilterFormat {
        DATETIME, DATE
    }
}
