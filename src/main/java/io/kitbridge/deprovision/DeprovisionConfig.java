package io.kitbridge.deprovision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** kitbridge.deprovision.* */
@ConfigMapping(prefix = "kitbridge.deprovision")
public interface DeprovisionConfig {
    /**
     * Unsubscribing cannot be undone, so a runaway caller must not suppress a whole account: more than this many
     * deprovisions per account within an hour are refused unless the call says "force".
     */
    @WithDefault("100")
    int maxPerHour();
}
