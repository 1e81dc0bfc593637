package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.JsonInput;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** {"account": "default", "email": "..." | "subscriberId": 123, "dryRun": false, "force": false} */
@RegisterForReflection
public record DeprovisionRequest(String account, String email, Long subscriberId, Boolean dryRun, Boolean force) {

    /** Reads the function input; a wrongly typed member is an InvalidInput naming it. */
    public static DeprovisionRequest from(JsonNode input) {
        JsonNode root = JsonInput.object(input, "input");
        return new DeprovisionRequest(JsonInput.string(root, "account", "").orElse(null),
                JsonInput.string(root, "email", "").orElse(null), JsonInput.positiveLong(root, "subscriberId", "").orElse(null),
                JsonInput.bool(root, "dryRun", "", false), JsonInput.bool(root, "force", "", false));
    }
}
