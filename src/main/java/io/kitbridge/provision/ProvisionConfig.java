package io.kitbridge.provision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** kitbridge.provision.* */
@ConfigMapping(prefix = "kitbridge.provision")
public interface ProvisionConfig {
    /** Largest batch one direct invocation accepts. */
    @WithDefault("1000")
    int maxBatch();

    /**
     * Largest batch a provision-batch execution accepts (input carries {@code execution}); the 256 KB limit of
     * StartExecution's input usually binds first.
     */
    @WithDefault("10000")
    int maxExecutionBatch();

    /** Time budget of one invocation (its deadline); keep it under the function's Timeout (template: 300 s). */
    @WithDefault("240s")
    Duration maxInvocationTime();

    /** A batch takes the next person only while the time left covers that person plus this margin. */
    @WithDefault("15s")
    Duration deadlineMargin();

    /** How long a provision-batch execution's per-person results are kept in the control table. */
    @WithDefault("7d")
    Duration resultTtl();

    /** An execution's final output lists the results inline up to this many people (Step Functions: 256 KB). */
    @WithDefault("400")
    int inlineResultsMax();

    /** Most tags one person may be given in one call. */
    @WithDefault("100")
    int maxTagsPerPerson();

    /** Most custom fields one person may be given in one call. */
    @WithDefault("100")
    int maxFieldsPerPerson();

    /** Use Kit's bulk endpoints for batches when the credential allows it (OAuth). */
    @WithDefault("true")
    boolean useBulk();
}
