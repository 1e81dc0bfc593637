package io.kitbridge.scim;

import io.kitbridge.store.Attr;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What SCIM knows beyond Kit, in the control table under {@code pk = scim#<account>}:
 * <ul>
 * <li>{@code user#<id>}: externalId, created, lastModified, deleted (a DELETEd user stays unsubscribed in Kit but is
 * gone for SCIM);</li>
 * <li>{@code ext#<externalId>}: the subscriber id, so {@code externalId eq} is one read;</li>
 * <li>{@code group#<tagId>}: the same for groups (Kit's API cannot delete a tag, so a deleted group is hidden);</li>
 * <li>{@code token}: the account's SCIM token hashes, whose content {@link ScimTokens} decides.</li>
 * </ul>
 * The one class that builds a {@code scim#} key.
 */
@ApplicationScoped
public class ScimRecords {
    private static final String PK_PREFIX = "scim#";
    private static final String SUBSCRIBER_ID = "subscriberId";
    private static final String EXT = "ext#";
    private static final String TOKEN = "token";

    @Inject ControlStore control;

    @Inject Clock clock;

    static String pk(String account) {
        return PK_PREFIX + account;
    }

    private static String key(Resource resource, long id) {
        return resource.prefix() + String.format("%020d", id);
    }

    Optional<Map<String, AttributeValue>> tokenItem(String account) {
        return control.get(pk(account), TOKEN);
    }

    void putTokenItem(String account, Map<String, AttributeValue> attributes) {
        control.put(pk(account), TOKEN, attributes, null);
    }

    void deleteTokenItem(String account) {
        control.delete(pk(account), TOKEN);
    }

    /** What a record is of; its sort keys start with {@code user#} or {@code group#}. */
    enum Resource {
        USER, GROUP;

        String prefix() {
            return name().toLowerCase(Locale.ROOT) + "#";
        }
    }

    /** SCIM's own view of a user or group: null fields when SCIM never touched it. */
    record Meta(long id, String externalId, String displayName, String created, String lastModified, boolean deleted) {
        private static final String EXTERNAL_ID = "externalId";
        private static final String DISPLAY_NAME = "displayName";
        private static final String CREATED = "created";
        private static final String LAST_MODIFIED = "lastModified";
        private static final String DELETED = "deleted";

        static Meta none(long id) {
            return new Meta(id, null, null, null, null, false);
        }

        static Meta of(long id, Map<String, AttributeValue> item) {
            return new Meta(id, Items.str(item, EXTERNAL_ID).orElse(null), Items.str(item, DISPLAY_NAME).orElse(null),
                    Items.str(item, CREATED).orElse(null), Items.str(item, LAST_MODIFIED).orElse(null),
                    Items.boolOr(item, DELETED, false));
        }

        /** The record's attributes (its id is in the sort key); an unset external id or name is left out. */
        Map<String, AttributeValue> attributes() {
            Map<String, AttributeValue> attrs = new HashMap<>();
            if (externalId != null) {
                attrs.put(EXTERNAL_ID, Items.s(externalId));
            }
            if (displayName != null) {
                attrs.put(DISPLAY_NAME, Items.s(displayName));
            }
            attrs.put(CREATED, Items.s(created));
            attrs.put(LAST_MODIFIED, Items.s(lastModified));
            attrs.put(DELETED, Items.bool(deleted));
            return attrs;
        }
    }

    Meta user(String account, long id) {
        return read(account, Resource.USER, id);
    }

    Meta group(String account, long id) {
        return read(account, Resource.GROUP, id);
    }

    /** Records creation or change; keeps the first creation time. */
    Meta saveUser(String account, long id, String externalId, boolean deleted) {
        Meta before = user(account, id);
        if (before.externalId() != null && !before.externalId().equals(externalId)) {
            control.delete(pk(account), EXT + before.externalId());
        }
        if (externalId != null && !deleted) {
            control.put(pk(account), EXT + externalId, Map.of(SUBSCRIBER_ID, Items.n(id)), null);
        }
        return write(account, Resource.USER, before, externalId, null, deleted);
    }

    Meta saveGroup(String account, long id, String displayName, String externalId, boolean deleted) {
        return write(account, Resource.GROUP, group(account, id), externalId, displayName, deleted);
    }

    Optional<Long> userByExternalId(String account, String externalId) {
        return control.get(pk(account), EXT + externalId).flatMap(item -> Items.num(item, SUBSCRIBER_ID));
    }

    /** Every SCIM record of one kind for the account, by id (one paged Query). */
    Map<Long, Meta> all(String account, Resource resource) {
        String prefix = resource.prefix();
        Map<Long, Meta> out = new HashMap<>();
        for (Map<String, AttributeValue> item : control.itemsWithPrefix(pk(account), prefix)) {
            Meta m = Meta.of(Long.parseLong(Items.strOr(item, Attr.SK, prefix + "0").substring(prefix.length())), item);
            out.put(m.id(), m);
        }
        return out;
    }

    private Meta read(String account, Resource resource, long id) {
        return control.get(pk(account), key(resource, id)).map(item -> Meta.of(id, item)).orElse(Meta.none(id));
    }

    private Meta write(String account, Resource resource, Meta before, String externalId, String displayName, boolean deleted) {
        String now = clock.instant().toString();
        String created = before.created() != null && !before.deleted() ? before.created() : now;
        Meta after = new Meta(before.id(), externalId, displayName, created, now, deleted);
        control.put(pk(account), key(resource, before.id()), after.attributes(), null);
        return after;
    }
}
