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
     * Largest batch a provision-batch execution accepts (input carries {@code execution}) and staging stores; a batch
     * given inline is bound by StartExecution's 256 KB input first, a staged one by Lambda's 6 MB invoke payload.
     */
    @WithDefault("10000")
    int maxExecutionBatch();

    /** Time budget of one invocation (its deadline); keep it under the function's Timeout (template: 300 s). */
    @WithDefault("240s")
    Duration maxInvocationTime();

    /** A batch takes the next person only while the time left covers that person plus this margin. */
    @WithDefault("15s")
    Duration deadlineMargin();

    /** How long a provision-batch execution's per-person results, and a staged batch's people, are kept. */
    @WithDefault("7d")
    Duration resultTtl();

    /** An execution's final output lists the results inline up to this many people (Step Functions: 256 KB). */
    @WithDefault("400")
    int inlineResultsMax();

    /** JSON bytes of people per staged chunk item (DynamoDB items hold at most 400 KB). */
    @WithDefault("350000")
    int stageChunkBytes();

    /** Most results one page of the results reader returns (a direct invoke answers up to 6 MB). */
    @WithDefault("1000")
    int resultsPageMax();

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
