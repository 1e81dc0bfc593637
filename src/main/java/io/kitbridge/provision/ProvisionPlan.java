package io.kitbridge.provision;

import io.kitbridge.common.KitbridgeException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Decides, before anything is written, what provisioning one person takes: which missing fields and tags may be
 * created (or the refusal that names them), and the steps a dry run reports. Pure: the catalog look-ups and
 * creations happen in {@link ProvisionSteps}.
 */
final class ProvisionPlan {
    private ProvisionPlan() {
    }

    /** The unknown field keys to create; refuses when the person did not allow it (Kit would drop them silently). */
    static List<String> fieldsToCreate(PersonSpec person, List<String> unknownFields) {
        if (!unknownFields.isEmpty() && !person.createMissingFields()) {
            throw new UnknownCustomFieldsException(person.path(), unknownFields);
        }
        return unknownFields;
    }

    /** The unknown tag names to create; refuses when the person did not allow it. */
    static List<String> tagsToCreate(PersonSpec person, List<String> unknownTags) {
        if (!unknownTags.isEmpty() && !person.createMissingTags()) {
            throw new KitbridgeException("UnknownTags", person.path() + "tags: " + unknownTags
                    + " do not exist in this Kit account; create them or pass \"createMissingTags\": true");
        }
        return unknownTags;
    }

    /** The steps, in the order they run, as a dry run reports them. */
    static List<String> steps(PersonSpec person, List<String> newFields, List<String> newTags) {
        List<String> steps = new ArrayList<>();
        newFields.forEach(key -> steps.add("create custom field " + key));
        newTags.forEach(name -> steps.add("create tag " + name));
        steps.add("upsert subscriber " + person.email() + (person.fields().isEmpty() ? "" : " with fields "
                + new TreeSet<>(person.fields().keySet())));
        if (!person.tags().isEmpty()) {
            steps.add("tag with " + person.tags());
        }
        return steps;
    }
}
