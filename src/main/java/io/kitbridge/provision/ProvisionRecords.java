package io.kitbridge.provision;

import io.kitbridge.kit.Subscriber;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** What provisioning writes besides Kit: the mirror record, the audit entry, the fields reported as applied. Pure. */
final class ProvisionRecords {
    private static final String ACTION = "provision";

    private ProvisionRecords() {
    }

    /** The fields Kit now holds as we asked; a key Kit dropped anyway (race with a deletion) becomes a warning. */
    static Map<String, String> appliedFields(PersonSpec person, Subscriber saved, List<String> warnings) {
        Map<String, String> applied = new LinkedHashMap<>();
        Map<String, String> kitFields = saved.fields();
        person.fields().forEach((k, v) -> {
            if (kitFields == null || kitFields.containsKey(k)) {
                applied.put(k, v);
            } else {
                warnings.add("Kit did not keep custom field '" + k + "'");
            }
        });
        return applied;
    }

    /**
     * The mirror record after provisioning: the prior record's tags and fields plus what Kit answered
     * ({@code saved}) and the tags just added. {@code saved == null}: only merge tags into {@code prior}.
     */
    static MirrorRecord mirrorRecord(String account, PersonSpec person, Subscriber saved, MirrorRecord prior,
            List<String> addedTags, Function<String, Long> tagIds, long now) {
        TreeSet<String> tags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (prior != null && prior.tags() != null) {
            tags.addAll(prior.tags());
        }
        tags.addAll(addedTags);
        List<Long> ids = tags.stream().map(tagIds).filter(Objects::nonNull).toList();
        Map<String, String> fields = new TreeMap<>();
        if (prior != null && prior.fields() != null) {
            fields.putAll(prior.fields());
        }
        if (saved != null && saved.fields() != null) {
            fields.putAll(saved.fields());
        } else {
            fields.putAll(person.fields());
        }
        fields.values().removeIf(Objects::isNull);
        long id = saved != null ? saved.id() : prior.subscriberId();
        String firstName = saved != null && saved.firstName() != null ? saved.firstName()
                : person.firstName() != null ? person.firstName() : prior == null ? null : prior.firstName();
        String state = saved != null ? saved.subscriberState().wireName() : prior.state();
        return MirrorRecord.builder(account, id).email(person.email()).firstName(firstName).state(state).fields(fields)
                .tags(new ArrayList<>(tags)).tagIds(ids).writtenBy(MirrorRecord.SOURCE_PROVISION, now)
                .lastSeenSync(prior == null ? null : prior.lastSeenSync()).build();
    }

    /** Before: what the mirror knew (fields, state, tags); after: what was asked (fields, tags). */
    static AuditEntry auditEntry(PersonSpec person, long subscriberId, String outcome, Optional<MirrorRecord> before,
            String detail) {
        Map<String, String> after = new TreeMap<>(person.fields());
        after.values().removeIf(Objects::isNull);
        if (!person.tags().isEmpty()) {
            after.put("tags", String.join(",", person.tags()));
        }
        Map<String, String> prior = before.map(r -> {
            Map<String, String> m = new TreeMap<>(r.fields() == null ? Map.of() : r.fields());
            m.values().removeIf(Objects::isNull);
            m.put("state", r.state());
            m.put("tags", String.join(",", r.tags()));
            return m;
        }).orElse(null);
        return AuditEntry.of(ACTION, ACTION, person.email(), outcome).withSubscriberId(subscriberId).withChange(prior, after)
                .withDetail(detail);
    }
}
