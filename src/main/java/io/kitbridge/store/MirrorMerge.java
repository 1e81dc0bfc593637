package io.kitbridge.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The mirror's ordering rule, as a pure function: each part of a record (the profile; each tag) takes the
 * observation only if that observation is not older than what the record holds for the part (equal times pass, so
 * a retried write is idempotent). Sync, webhooks, provision and deprovision all merge through this, then write
 * with a compare-and-set on the version read ({@link MirrorStore#merge}).
 *
 * <p>Tag names and ids: {@code tagIds[i]} is the id of {@code tags[i]} for {@code i < tags.size()}; ids whose name
 * is not known yet (a legacy delivery the name lookup could not resolve) follow.
 */
public final class MirrorMerge {
    private MirrorMerge() {
    }

    /**
     * @param record         the record to write (null when there is nothing to write)
     * @param profileApplied the observation's profile was taken
     * @param tagsApplied    tag ids whose observation was taken
     * @param contentChanged email, name, state, fields or tags differ from the stored record
     */
    public record Result(MirrorRecord record, boolean profileApplied, Set<Long> tagsApplied, boolean contentChanged) {
        public boolean write() {
            return record != null;
        }
    }

    public static Result merge(MirrorRecord existing, MirrorObservation obs, long nowMillis) {
        MirrorObservation.Profile p = obs.profile();
        boolean profileApplies = p != null && (existing == null || p.at() >= existing.eventAt());
        String email = existing == null ? null : existing.email();
        String firstName = existing == null ? null : existing.firstName();
        String state = existing == null ? "unknown" : existing.state();
        Map<String, String> fields = existing == null || existing.fields() == null ? Map.of() : existing.fields();
        long eventAt = existing == null ? 0 : existing.eventAt();
        if (profileApplies) {
            email = p.email() != null ? MirrorStore.normalizeEmail(p.email()) : email;
            firstName = p.firstName();
            state = p.state() != null ? p.state() : state;
            fields = p.fields() != null ? p.fields() : fields;
            eventAt = Math.max(eventAt, p.at());
        }

        Map<Long, String> tags = existing == null ? new LinkedHashMap<>() : pairs(existing);
        Map<Long, Long> times = new HashMap<>(existing == null ? Map.of() : existing.tagAt());
        long baseline = existing == null ? 0 : existing.tagsAt();
        Set<Long> applied = new HashSet<>();
        for (Map.Entry<Long, MirrorObservation.TagSeen> e : obs.tags().entrySet()) {
            long id = e.getKey();
            MirrorObservation.TagSeen seen = e.getValue();
            if (seen.at() < times.getOrDefault(id, baseline)) {
                continue; // a later observation of this tag is already in the record
            }
            applied.add(id);
            times.put(id, seen.at());
            if (seen.present()) {
                tags.put(id, seen.name() != null ? seen.name() : tags.get(id));
            } else {
                tags.remove(id);
            }
        }
        if (obs.othersAbsentAt() > 0) {
            for (Long id : new ArrayList<>(tags.keySet())) {
                if (!obs.tags().containsKey(id) && obs.othersAbsentAt() >= times.getOrDefault(id, baseline)) {
                    tags.remove(id);
                    applied.add(id);
                }
            }
            baseline = Math.max(baseline, obs.othersAbsentAt());
        }
        long newBaseline = baseline;
        times.values().removeIf(at -> at <= newBaseline); // the baseline says as much, or more
        if (existing == null && p == null) {
            return new Result(null, false, applied, false); // nothing to hang tags on: the next sync brings the person
        }

        List<Map.Entry<Long, String>> order = new ArrayList<>(tags.entrySet());
        order.sort(Comparator.<Map.Entry<Long, String>, Boolean>comparing(en -> en.getValue() == null)
                .thenComparing(en -> en.getValue() == null ? "" : en.getValue())
                .thenComparing(Map.Entry::getKey));
        List<String> names = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (Map.Entry<Long, String> en : order) {
            if (en.getValue() != null) {
                names.add(en.getValue());
            }
            ids.add(en.getKey());
        }
        String hash = MirrorStore.contentHash(email, firstName, state, fields, names);
        boolean contentChanged = existing == null || !hash.equals(existing.contentHash() != null ? existing.contentHash()
                : MirrorStore.contentHash(existing.email(), existing.firstName(), existing.state(), existing.fields(),
                        existing.tags()))
                || !new TreeSet<>(ids).equals(new TreeSet<>(existing.tagIds() == null ? List.of() : existing.tagIds()));
        boolean timesAdvanced = existing != null && (eventAt != existing.eventAt() || newBaseline != existing.tagsAt()
                || !times.equals(existing.tagAt()));
        if (!contentChanged && !(obs.keepTimes() && timesAdvanced)) {
            return new Result(null, profileApplies, applied, false);
        }
        long updatedAt = existing == null ? nowMillis : Math.max(nowMillis, existing.updatedAt() + 1); // a version
        String runId = obs.runId() != null ? obs.runId() : existing == null ? null : existing.lastSeenSync();
        return new Result(new MirrorRecord(obs.account(), obs.subscriberId(), email, firstName, state, fields, names, ids,
                updatedAt, obs.source(), hash, runId, eventAt, times, newBaseline,
                existing == null ? Map.of() : existing.recentEvents(),
                existing == null ? List.of() : existing.recentAudits()), profileApplies, applied,
                contentChanged);
    }

    /** The stored tags as id → name (null: name unknown), by the alignment rule above. */
    static Map<Long, String> pairs(MirrorRecord r) {
        List<String> names = r.tags() == null ? List.of() : r.tags();
        List<Long> ids = r.tagIds() == null ? List.of() : r.tagIds();
        Map<Long, String> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            out.put(ids.get(i), i < names.size() ? names.get(i) : null);
        }
        return out;
    }
}
