package io.kitbridge.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * Output of `provision`: for one person, that person's result at the top level; for a batch, {@code results}
 * (one per person handled by this invocation, in input order) and {@code summary} (count per outcome).
 * {@code kitRequests} is how many Kit requests the invocation used.
 *
 * <p>A batch stops before its deadline: then {@code done} is false, {@code next} is the input that provisions the
 * rest (same flags, the remaining people or the staged batch's reference, {@code offset} = where they start in the
 * original input), to be sent after {@code waitSeconds}; {@code etaSeconds} estimates the time for the rest at the
 * budget's current rate. Inside a provision-batch execution results are kept in DynamoDB ({@code resultsKey}); the
 * final output carries the execution's summary, and its results inline when there are at most
 * {@code inline-results-max}. Staging answers {@code staged}; the results reader answers a page of {@code results}
 * and the {@code cursor} of the next page.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisionOutput(@JsonUnwrapped ProvisionResult person, List<ProvisionResult> results,
        Map<String, Integer> summary, long kitRequests, Boolean done, Integer handled, Integer remaining,
        Integer waitSeconds, Long etaSeconds, String reason, String resultsKey, Integer resultCount, String cursor,
        StagedBatch staged, JsonNode next) {

    static ProvisionOutput single(ProvisionResult person, long kitRequests) {
        return new ProvisionOutput(person, null, null, kitRequests, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    static ProvisionOutput staged(StagedBatch staged) {
        return new ProvisionOutput(null, null, null, 0, null, null, null, null, null, null, null, null, null, staged,
                null);
    }

    static ProvisionOutput page(String execution, BatchResults.Page page) {
        return new ProvisionOutput(null, page.results(), null, 0, null, null, null, null, null, null,
                BatchResults.key(execution), null, page.cursor(), null, null);
    }
}
