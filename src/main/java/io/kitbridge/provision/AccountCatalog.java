package io.kitbridge.provision;

import io.kitbridge.budget.Priority;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.kit.KitCatalog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One account's custom field keys and tags for one invocation: read once (from the shared cache or Kit), refreshed
 * once on a miss (someone may have created one in Kit's UI), and extended by what this invocation creates.
 */
final class AccountCatalog {
    private final KitCatalog catalog;
    private final String account;
    private Set<String> fieldKeys;
    private Map<String, Long> tags;
    private boolean fieldsRefreshed;
    private boolean tagsRefreshed;

    AccountCatalog(KitCatalog catalog, String account) {
        this.catalog = catalog;
        this.account = account;
    }

    /** The keys the account does not have, sorted. */
    List<String> unknownFields(Set<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        if (fieldKeys == null) {
            fieldKeys = new LinkedHashSet<>(catalog.fieldKeys(account, Priority.INTERACTIVE, false));
        }
        if (!fieldKeys.containsAll(keys) && !fieldsRefreshed) {
            fieldKeys = new LinkedHashSet<>(catalog.fieldKeys(account, Priority.INTERACTIVE, true));
            fieldsRefreshed = true;
        }
        return keys.stream().filter(k -> !fieldKeys.contains(k)).sorted().toList();
    }

    /** The tag names the account does not have (case-insensitive, as Kit), in the order given. */
    List<String> unknownTags(List<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        if (tags == null) {
            tags = catalog.tags(account, Priority.INTERACTIVE, false);
        }
        if (!names.stream().allMatch(tags::containsKey) && !tagsRefreshed) {
            tags = catalog.tags(account, Priority.INTERACTIVE, true);
            tagsRefreshed = true;
        }
        return names.stream().filter(n -> !tags.containsKey(n)).toList();
    }

    /** Kit derives a field's key from its label: refuse (naming the field) if it made a different key. */
    void createField(PersonSpec person, String key) {
        String created = catalog.createField(account, key);
        if (!created.equals(key)) {
            throw new InvalidInputException(person.path() + "fields." + key, "Kit derives custom field keys"
                    + " from labels and made '" + created + "'; use that key");
        }
        fieldKeys.add(key);
    }

    void createTag(String name) {
        tags.put(name, catalog.createTag(account, name));
    }

    /** Id of a tag known to exist (checked by {@link #unknownTags} first). */
    long tagId(String name) {
        return tags.get(name);
    }

    /** Id of a tag, or null when this invocation never read the tags or the account lacks it. */
    Long tagIdOrNull(String name) {
        return tags == null ? null : tags.get(name);
    }
}
