package io.kitbridge.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * Output of `provision`: for one person, that person's result at the top level; for a batch, {@code results}
 * (one per person, in input order) and {@code summary} (count per outcome). {@code kitRequests} is how many
 * Kit requests the invocation used.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisionOutput(@JsonUnwrapped ProvisionResult person, List<ProvisionResult> results,
        Map<String, Integer> summary, long kitRequests) {
}
