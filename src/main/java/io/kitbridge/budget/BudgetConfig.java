package io.kitbridge.budget;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** kitbridge.budget.* — Kit's limits per credential kind and how we keep under them. */
@ConfigMapping(prefix = "kitbridge.budget")
public interface BudgetConfig {
    /** Kit's counting window. */
    @WithDefault("60s")
    Duration window();

    /** Requests per window for an API key. */
    @WithDefault("120")
    int apiKeyLimit();

    /** Requests per window for an OAuth access token. */
    @WithDefault("600")
    int oauthLimit();

    /** Share of the rate that bulk work (sync) may never take, kept for interactive calls. */
    @WithDefault("0.2")
    double interactiveReserve();

    /** Permits that may be taken back to back before pacing applies. */
    @WithDefault("2")
    int burst();

    /**
     * Safety margin added to the window: the largest clock difference between two of our Lambdas plus
     * the spread of request latency to Kit. Lambda hosts keep time by NTP to within milliseconds;
     * 1 s is generous.
     */
    @WithDefault("1s")
    Duration safetyMargin();

    /** Longest an interactive call waits in-process for a permit before failing with RateBudgetExhausted. */
    @WithDefault("20s")
    Duration interactiveMaxWait();

    /** Backoff after a 429 without Retry-After: doubles per consecutive 429, capped at max-backoff. */
    @WithDefault("2s")
    Duration initialBackoff();

    @WithDefault("60s")
    Duration maxBackoff();

    /** Conditional-write attempts before giving up on a contended budget item. */
    @WithDefault("50")
    int maxContentionRetries();
}
