package io.kitbridge.sync;

import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.SubscriberEnvelope;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.kit.SubscriberUpdate;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * After a full run: compares the desired state provision recorded (fields, tags) with what Kit has (the freshly
 * synced mirror) and reports every difference; with kitbridge.sync.repair-drift=true it repairs them (PUT
 * /v4/subscribers/{id}, POST /v4/tags/{id}/subscribers/{id}) as bulk work in the budget. Progress (the last email
 * finished) is stored after every person, so a budget pause resumes with the next person.
 */
@ApplicationScoped
class DriftPass {
    static final int SLICE = 100;

    @Inject SyncKit kit;

    @Inject MirrorStore mirror;

    @Inject SyncConfig config;

    @Inject Clock clock;

    Step step(SyncState s) {
        List<MirrorStore.DesiredState> slice = mirror.desiredAfter(s.account, s.driftAfter, SLICE);
        try {
            for (MirrorStore.DesiredState desired : slice) {
                check(s, desired);
                s.driftAfter = MirrorStore.normalizeEmail(desired.email());
            }
        } catch (BudgetExhaustedException | KitException pause) {
            // keep the people already done; this one is checked again after the wait
            return Step.paused("drift slice, paused", pause);
        }
        if (slice.size() < SLICE) {
            s.phase = SyncPhase.DONE;
        }
        return Step.did("drift slice");
    }

    private void check(SyncState s, MirrorStore.DesiredState desired) {
        Optional<MirrorRecord> found = mirror.findByEmail(s.account, desired.email());
        if (found.isEmpty()) {
            s.add(SyncStat.DESIRED_UNMATCHED, 1);
            s.add(SyncStat.DESIRED_CHECKED, 1);
            return;
        }
        MirrorRecord r = found.get();
        Map<String, String> fieldDiffs = new TreeMap<>();
        desired.fields().forEach((key, value) -> {
            if (!Objects.equals(value, fieldOf(r, key))) {
                fieldDiffs.put(key, value);
            }
        });
        List<String> missingTags = new ArrayList<>();
        for (String tag : desired.tags()) {
            boolean has = r.tags() != null && r.tags().stream().anyMatch(t -> t.equalsIgnoreCase(tag.trim()));
            if (!has) {
                missingTags.add(tag.trim());
            }
        }
        if (fieldDiffs.isEmpty() && missingTags.isEmpty()) {
            s.add(SyncStat.DESIRED_CHECKED, 1);
            return;
        }
        String finding = r.email() + " (" + r.subscriberId() + "):"
                + (fieldDiffs.isEmpty() ? "" : " fields " + fieldDiffs.keySet())
                + (missingTags.isEmpty() ? "" : " missing tags " + missingTags);
        boolean repairable = config.repairDrift() && !SubscriberState.parse(r.state()).isSuppressed();
        Map<String, String> before = new LinkedHashMap<>();
        fieldDiffs.keySet().forEach(k -> before.put("fields." + k, fieldOf(r, k)));
        before.put("tags", String.join(",", r.tags() == null ? List.of() : r.tags()));
        Map<String, String> after = new LinkedHashMap<>();
        fieldDiffs.forEach((k, v) -> after.put("fields." + k, v));
        after.put("tags+", String.join(",", missingTags));
        String outcome = "detected";
        String detail = finding;
        if (repairable) {
            try {
                List<String> unknownTags = repair(s, r, fieldDiffs, missingTags);
                outcome = unknownTags.isEmpty() ? "repaired" : "partly-repaired";
                detail = unknownTags.isEmpty() ? finding : finding + "; tags not in Kit: " + unknownTags;
                s.add(unknownTags.isEmpty() ? SyncStat.REPAIRED : SyncStat.REPAIR_FAILED, 1);
            } catch (KitException rejected) {
                if (rejected.isTransient() || rejected.kind() == KitErrorKind.RATE_LIMITED
                        || rejected.kind() == KitErrorKind.CIRCUIT_OPEN) {
                    throw rejected;
                }
                // Kit refused this repair (subscriber gone, field rejected): report it, go on with the others
                outcome = "repair-failed";
                detail = finding + "; " + rejected;
                s.add(SyncStat.REPAIR_FAILED, 1);
            }
        }
        mirror.audit(s.account, new AuditEntry(null, "sync.drift", r.email(), r.subscriberId(), outcome, "sync", before,
                after, detail));
        if (s.driftReport.size() < config.driftReportLimit()) {
            s.driftReport.add(outcome + ": " + finding);
        }
        s.add(SyncStat.DRIFTED, 1);
        s.add(SyncStat.DESIRED_CHECKED, 1);
    }

    /** Puts Kit back to the desired state; returns desired tags that do not exist in Kit (provision creates tags). */
    private List<String> repair(SyncState s, MirrorRecord r, Map<String, String> fieldDiffs, List<String> missingTags) {
        MirrorObservation.Profile profile = null;
        if (!fieldDiffs.isEmpty()) {
            long askedAt = clock.millis(); // Kit's answer describes the person as of this call
            SubscriberEnvelope updated = kit.call(s, "sync: repair drift (fields)", api -> api.updateSubscriber(s.account,
                    r.subscriberId(), new SubscriberUpdate(null, null, fieldDiffs)));
            Map<String, String> fields = new LinkedHashMap<>(r.fields() == null ? Map.of() : r.fields());
            if (updated != null && updated.subscriber() != null && updated.subscriber().fields() != null) {
                fields = new LinkedHashMap<>(updated.subscriber().fieldsOrEmpty());
            } else {
                fields.putAll(fieldDiffs);
            }
            profile = new MirrorObservation.Profile(askedAt, r.email(), r.firstName(), r.state(), fields);
        }
        Map<Long, MirrorObservation.TagSeen> tags = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String tag : missingTags) {
            int i = indexOfIgnoreCase(s.tagNames, tag);
            if (i < 0) {
                unknown.add(tag);
                continue;
            }
            long tagId = s.tagIds.get(i);
            long askedAt = clock.millis();
            kit.call(s, "sync: repair drift (tag)", api -> api.tagSubscriber(s.account, tagId, r.subscriberId()));
            tags.put(tagId, new MirrorObservation.TagSeen(askedAt, true, s.tagNames.get(i)));
        }
        MirrorObservation.Profile repaired = profile;
        mirror.mergeFromSync(r.account(), r.subscriberId(), Optional.of(r), ignored -> new MirrorObservation(r.account(),
                r.subscriberId(), repaired, tags, 0, MirrorRecord.SOURCE_SYNC, s.runId, false));
        s.add(SyncStat.MIRROR_WRITES, 1);
        return unknown;
    }

    private static String fieldOf(MirrorRecord r, String key) {
        return r.fields() == null ? null : r.fields().get(key);
    }

    private static int indexOfIgnoreCase(List<String> names, String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }
}
