package io.kitbridge.deprovision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * Output of a deprovision batch: {@code results} of the people this invocation handled (input order), {@code summary}
 * per outcome; when it stopped early (deadline, rate budget, or the hourly deprovision limit) {@code done} is false
 * and {@code next} (same flags, remaining people, {@code offset}) continues after {@code waitSeconds}.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeprovisionBatchOutput(List<BatchOutcome> results, Map<String, Integer> summary, boolean done, int handled,
        int remaining, int waitSeconds, long etaSeconds, String reason, JsonNode next, long kitRequests) {
}
