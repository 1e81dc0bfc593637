package io.kitbridge.provision;

import java.util.List;
import java.util.Map;

/** One validated person to provision. {@code path} names them in errors ("" or "people[3]."). */
record PersonSpec(String path, String email, String firstName, Map<String, String> fields, List<String> tags,
        boolean createMissingFields, boolean createMissingTags, boolean dryRun) {
}
