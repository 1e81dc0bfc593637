package io.kitbridge.lookup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** kitbridge.lookup.* */
@ConfigMapping(prefix = "kitbridge.lookup")
public interface LookupConfig {
    /**
     * The lookup's time budget from the start of an invocation (below its Lambda timeout, 10 s in template.yaml).
     * Funqy does not pass the Lambda context, so this stands for its remaining-time: DynamoDB calls get timeouts
     * derived from what is left (kitbridge.dynamodb.*), so a store outage is a quick StoreUnavailable, not a timeout.
     */
    @WithDefault("8s")
    Duration maxInvocationTime();
}
