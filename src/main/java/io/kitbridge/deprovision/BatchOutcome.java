package io.kitbridge.deprovision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** One person of a deprovision batch: the single-person result, or (outcome failed) the typed error it met. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchOutcome(@JsonUnwrapped DeprovisionResult result, String email, Long subscriberId, String outcome,
        String errorType, String error) {
    public static final String FAILED = "failed";

    static BatchOutcome of(DeprovisionResult result) {
        return new BatchOutcome(result, null, null, null, null, null);
    }

    static BatchOutcome failed(String email, Long subscriberId, String errorType, String error) {
        return new BatchOutcome(null, email, subscriberId, FAILED, errorType, error);
    }

    String outcomeName() {
        return result != null ? result.outcome() : outcome;
    }
}
