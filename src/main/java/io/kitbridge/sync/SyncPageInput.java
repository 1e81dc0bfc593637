package io.kitbridge.sync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * First call: {"account": "default", "mode": "full" | "incremental"}. Later calls: the previous output, with the
 * Step Functions execution id beside it ({@code execution}); fields of the output not listed here are ignored.
 * With {@code failure} it is the state machine's clean-up call after a failure (see {@link Failure}).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncPageInput(String account, String mode, String execution, String syncId, Integer loops,
        String loopExecution, Failure failure) {

    /**
     * Set by the state machine's Catch ({@code ResultPath: $.failure}) when the execution is ending in failure: the
     * call then only releases the execution's lease and reports the error. Error is the Lambda errorType; Cause its
     * message (Step Functions wraps a Lambda error's whole {errorType, errorMessage} body as a JSON string).
     */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failure(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {
    }
}
