package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.NextInput;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * The people of a batch input ({@code {account, people: [{email} | {subscriberId}], dryRun, force, offset}}), all
     * read before anyone is touched: a malformed entry is an InvalidInput naming it ({@code people[offset + i]}), not
     * a failure that costs the others their results.
     */
    static List<DeprovisionRequest> batchFrom(JsonNode input, int maxBatch) {
        JsonNode root = JsonInput.object(input, "input");
        String account = JsonInput.string(root, "account", "").orElse(null);
        JsonNode people = root.path("people");
        if (!people.isArray() || people.isEmpty()) {
            throw new InvalidInputException("people", "must be a non-empty array of {\"email\"} or {\"subscriberId\"}");
        }
        if (people.size() > maxBatch) {
            throw new InvalidInputException("people", "has " + people.size() + " people; at most " + maxBatch + " per call");
        }
        boolean dryRun = JsonInput.bool(root, "dryRun", "", false);
        boolean force = JsonInput.bool(root, "force", "", false);
        int offset = root.path(NextInput.OFFSET).asInt(0);
        List<DeprovisionRequest> requests = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            String path = "people[" + (offset + i) + "]";
            JsonNode person = JsonInput.object(people.get(i), path);
            requests.add(new DeprovisionRequest(account, JsonInput.string(person, "email", path + ".").orElse(null),
                    JsonInput.positiveLong(person, "subscriberId", path + ".").orElse(null), dryRun, force));
        }
        return requests;
    }
}
