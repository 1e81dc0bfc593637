package io.kitbridge.sync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * First call: {"account": "default", "mode": "full" | "incremental"}. Later calls: the previous output, with the
 * Step Functions execution id beside it ({@code execution}); fields of the output not listed here are ignored.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SyncPageInput(String account, String mode, String execution, String syncId, Integer loops,
        String loopExecution) {
}
