package io.kitbridge.provision;

import io.kitbridge.kit.KitLimits;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.EmailAddress;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.kit.CredentialResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads provision input: one person at the top level, or {@code people} with batch-wide defaults
 * ({@code createMissingFields}, {@code createMissingTags}, {@code dryRun}) that each person may override.
 * Errors name the exact field ("people[3].fields.plan").
 */
final class RequestParser {

    private final ProvisionConfig config;

    RequestParser(ProvisionConfig config) {
        this.config = config;
    }

    ProvisionRequest parse(JsonNode input) {
        JsonNode root = JsonInput.object(input, "input");
        String account = CredentialResolver.validateAccount(JsonInput.string(root, "account", "").orElse(null));
        if (!root.has("people")) {
            return ProvisionRequest.one(account, person(root, "", false, false, false));
        }
        JsonNode people = root.get("people");
        if (!people.isArray()) {
            throw new InvalidInputException("people", "must be an array of people");
        }
        if (people.isEmpty()) {
            throw new InvalidInputException("people", "must not be empty");
        }
        String execution = JsonInput.string(root, "execution", "").orElse(null);
        int limit = execution == null ? config.maxBatch() : config.maxExecutionBatch();
        if (people.size() > limit) {
            throw new InvalidInputException("people", "has " + people.size() + " people; at most " + limit
                    + (execution == null ? " per call (the provision-batch state machine takes more)" : " per execution"));
        }
        int offset = offset(root);
        boolean createFields = JsonInput.bool(root, "createMissingFields", "", false);
        boolean createTags = JsonInput.bool(root, "createMissingTags", "", false);
        boolean dryRun = JsonInput.bool(root, "dryRun", "", false);
        List<ProvisionRequest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            String path = "people[" + (offset + i) + "].";
            try {
                entries.add(ProvisionRequest.Entry.valid(person(JsonInput.object(people.get(i), "people[" + (offset + i) + "]"), path,
                        createFields, createTags, dryRun)));
            } catch (InvalidInputException bad) {
                String email = people.get(i).path("email").asText(null);
                entries.add(ProvisionRequest.Entry.refused(ProvisionResult.failed(email, bad.errorType(), bad.getMessage())));
            }
        }
        return ProvisionRequest.batch(account, entries, offset, execution, root);
    }

    /** Where a continued batch's first person stood in the original input (0 for a new batch). */
    static int offset(JsonNode root) {
        JsonNode node = root.get("offset");
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
            throw new InvalidInputException("offset", "must be a non-negative integer (the position of the first person"
                    + " in the original batch, as a previous output's next says)");
        }
        return node.asInt();
    }

    /** One person; the batch-wide defaults apply where the person says nothing. */
    PersonSpec person(JsonNode node, String path, boolean createFields, boolean createTags, boolean dryRun) {
        String email = EmailAddress.normalize(path + "email", JsonInput.string(node, "email", path).orElse(null));
        String firstName = JsonInput.string(node, "firstName", path).map(String::trim).orElse(null);
        if (firstName != null && firstName.length() > KitLimits.MAX_NAME) {
            throw new InvalidInputException(path + "firstName", "is longer than " + KitLimits.MAX_NAME + " characters");
        }
        Map<String, String> fields = JsonInput.fieldMap(node, "fields", path, config.maxFieldsPerPerson());
        List<String> tags = JsonInput.stringList(node, "tags", path, config.maxTagsPerPerson(), KitLimits.MAX_NAME);
        return new PersonSpec(path, email, firstName == null || firstName.isEmpty() ? null : firstName, fields, tags,
                JsonInput.bool(node, "createMissingFields", path, createFields),
                JsonInput.bool(node, "createMissingTags", path, createTags),
                JsonInput.bool(node, "dryRun", path, dryRun));
    }
}
