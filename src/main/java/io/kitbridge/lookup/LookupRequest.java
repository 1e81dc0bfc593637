package io.kitbridge.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** {"account": "default", "email": "..."} or {"account": "...", "subscriberId": 123}, optionally "history": true. */
@RegisterForReflection
public record LookupRequest(String account, String email, Long subscriberId, Boolean history, Integer historyLimit) {
    private static final int DEFAULT_HISTORY = 20;
    private static final int MAX_HISTORY = 200;

    /** Reads the function input; a wrongly typed member is an InvalidInput naming it. */
    public static LookupRequest from(JsonNode input) {
        JsonNode root = JsonInput.object(input, "input");
        Integer limit = null;
        if (root.hasNonNull("historyLimit")) {
            if (!root.get("historyLimit").isIntegralNumber()) {
                throw new InvalidInputException("historyLimit", "must be an integer");
            }
            limit = root.get("historyLimit").asInt();
        }
        return new LookupRequest(JsonInput.string(root, "account", "").orElse(null),
                JsonInput.string(root, "email", "").orElse(null), JsonInput.positiveLong(root, "subscriberId", "").orElse(null),
                JsonInput.bool(root, "history", "", false), limit);
    }

    /** How many recent audit entries to answer: {@value #DEFAULT_HISTORY} unless asked, at most {@value #MAX_HISTORY}. */
    int historyEntries() {
        return historyLimit == null ? DEFAULT_HISTORY : Math.max(1, Math.min(MAX_HISTORY, historyLimit));
    }
}
