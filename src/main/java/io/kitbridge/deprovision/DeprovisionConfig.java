package io.kitbridge.deprovision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** kitbridge.deprovision.* */
@ConfigMapping(prefix = "kitbridge.deprovision")
public interface DeprovisionConfig {
    /**
     * Unsubscribing cannot be undone, so a runaway caller must not suppress a whole account: more than this many
     * deprovisions per account within an hour are refused unless the call says "force".
     */
    @WithDefault("100")
    int maxPerHour();

    /** Largest batch ({@code people}) one invocation accepts. */
    @WithDefault("1000")
    int maxBatch();

    /** Time budget of one invocation (its deadline); keep it under the function's Timeout (template: 120 s). */
    @WithDefault("90s")
    Duration maxInvocationTime();

    /** A batch takes the next person only while the time left covers that person plus this margin. */
    @WithDefault("10s")
    Duration deadlineMargin();
}
