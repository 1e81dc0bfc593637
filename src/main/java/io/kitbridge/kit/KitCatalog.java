package io.kitbridge.kit;

import io.kitbridge.budget.Priority;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An account's tags (name ↔ id) and custom field keys, cached in the control table so Lambdas share one
 * read of Kit, and refreshed on a miss (someone may have created a tag or field in Kit's UI).
 */
@ApplicationScoped
public class KitCatalog {
    private static final String PK_PREFIX = "cache#";
    private static final String SK_TAGS = "tags";
    private static final String SK_FIELDS = "fields";
    private static final String VALUES = "values";
    private static final Duration CACHE_TTL = Duration.ofHours(1);
    private static final int PAGE = 1000;

    @Inject KitGateway kit;

    @Inject ControlStore control;

    /** Tag name → tag id, looked up case-insensitively as Kit does; names keep Kit's spelling. */
    public Map<String, Long> tags(String account, Priority priority, boolean refresh) {
        if (!refresh) {
            Optional<Map<String, Long>> cached = cachedTags(account);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        Map<String, Long> tags = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        KitPages.all(cursor -> kit.call(read(account, "list tags", priority), api -> api.listTags(account, PageQuery.of(PAGE, cursor))))
                .forEach(t -> tags.put(t.name().trim(), t.id()));
        Map<String, AttributeValue> values = new HashMap<>();
        tags.forEach((name, id) -> values.put(name, Items.n(id)));
        control.put(PK_PREFIX + account, SK_TAGS, Map.of(VALUES, AttributeValue.fromM(values)), CACHE_TTL);
        return tags;
    }

    /** Name of a tag id, refreshing the cache once if the id is new to us. */
    public Optional<String> tagName(String account, long tagId, Priority priority) {
        Optional<String> name = nameOf(tags(account, priority, false), tagId);
        return name.isPresent() ? name : nameOf(tags(account, priority, true), tagId);
    }

    /** Custom field keys of the account. */
    public Set<String> fieldKeys(String account, Priority priority, boolean refresh) {
        if (!refresh) {
            Optional<Map<String, AttributeValue>> cached = control.get(PK_PREFIX + account, SK_FIELDS);
            if (cached.isPresent()) {
                return new LinkedHashSet<>(Items.stringListOf(cached.get(), VALUES));
            }
        }
        Set<String> keys = new LinkedHashSet<>();
        KitPages.all(cursor -> kit.call(read(account, "list custom fields", priority),
                api -> api.listCustomFields(account, PageQuery.of(PAGE, cursor))))
                .forEach(f -> keys.add(f.key()));
        control.put(PK_PREFIX + account, SK_FIELDS, Map.of(VALUES, Items.stringList(keys)), CACHE_TTL);
        return keys;
    }

    /** Creates a tag (Kit answers 200 with the existing one if the name is taken) and refreshes the cache. */
    public long createTag(String account, String name) {
        RestTagResult created = new RestTagResult(kit.call(KitCall.interactive(account, "create tag", false,
                Duration.ofSeconds(20)), api -> api.createTag(account, new TagCreate(name))).getEntity());
        control.delete(PK_PREFIX + account, SK_TAGS);
        return created.id(name);
    }

    /** Creates a custom field whose key is {@code key} (Kit derives the key from the label). */
    public String createField(String account, String key) {
        CustomFieldEnvelope created = kit.call(KitCall.interactive(account, "create custom field", false,
                Duration.ofSeconds(20)), api -> api.createCustomField(account, new CustomFieldCreate(key)));
        control.delete(PK_PREFIX + account, SK_FIELDS);
        if (created == null || created.customField() == null) {
            throw KitErrors.emptyBody("create custom field");
        }
        return created.customField().key();
    }

    public void forget(String account) {
        control.delete(PK_PREFIX + account, SK_TAGS);
        control.delete(PK_PREFIX + account, SK_FIELDS);
    }

    public static String normalizeTag(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }

    private Optional<Map<String, Long>> cachedTags(String account) {
        return control.get(PK_PREFIX + account, SK_TAGS).map(item -> {
            Map<String, Long> tags = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            AttributeValue values = item.get(VALUES);
            if (values != null && values.hasM()) {
                values.m().forEach((name, id) -> tags.put(name, Long.parseLong(id.n())));
            }
            return tags;
        });
    }

    private static Optional<String> nameOf(Map<String, Long> tags, long tagId) {
        return tags.entrySet().stream().filter(e -> e.getValue() == tagId).map(Map.Entry::getKey).findFirst();
    }

    private static KitCall read(String account, String operation, Priority priority) {
        return priority == Priority.BULK ? KitCall.bulk(account, operation, true)
                : KitCall.interactive(account, operation, true, Duration.ofSeconds(20));
    }

    private record RestTagResult(TagEnvelope envelope) {
        long id(String name) {
            if (envelope == null || envelope.tag() == null) {
                throw KitErrors.emptyBody("create tag " + name);
            }
            return envelope.tag().id();
        }
    }
}
