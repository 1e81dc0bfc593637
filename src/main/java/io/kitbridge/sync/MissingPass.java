package io.kitbridge.sync;

import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * After a full run's subscriber pages: a slice of the mirror at a time (id order, cursor in the run state), marks
 * records Kit did not list as {@code missing}. Records changed after the run started (webhooks, provision) are
 * left alone: they are newer than the listing.
 */
@ApplicationScoped
class MissingPass {
    static final int SLICE = 1000;

    @Inject MirrorStore mirror;

    @Inject MirrorIo io;

    @Inject WorkingSets sets;

    Step step(SyncState s) {
        long started = System.nanoTime();
        IdSet seen = sets.seen(s);
        List<MirrorRecord> slice = mirror.subscribersAfter(s.account, s.missingAfterId, SLICE);
        List<MirrorObservation> observations = new ArrayList<>();
        Map<Long, MirrorRecord> read = new HashMap<>();
        for (MirrorRecord r : slice) {
            if (seen.contains(r.subscriberId()) || MirrorRecord.STATE_MISSING.equals(r.state()) || r.eventAt() >= s.startedAt) {
                continue;
            }
            // absence is observed over the whole listing: stamped with the run's start, its earliest moment
            read.put(r.subscriberId(), r);
            observations.add(new MirrorObservation(r.account(), r.subscriberId(), new MirrorObservation.Profile(
                    s.startedAt, r.email(), r.firstName(), MirrorRecord.STATE_MISSING, r.fields()), Map.of(), 0,
                    MirrorRecord.SOURCE_SYNC, s.runId, false));
        }
        List<MirrorMerge.Result> results = io.mergeAll(observations, read);
        List<MirrorRecord> writes = results.stream().filter(r -> r.write() && r.profileApplied())
                .map(MirrorMerge.Result::record).toList();
        for (MirrorRecord r : writes) {
            String before = slice.stream().filter(o -> o.subscriberId() == r.subscriberId()).map(MirrorRecord::state)
                    .findFirst().orElse("");
            mirror.audit(s.account, new AuditEntry(null, "sync.missing", r.email(), r.subscriberId(), "marked-missing",
                    "sync", Map.of("state", before), Map.of("state", MirrorRecord.STATE_MISSING),
                    "not in Kit's full listing of run " + s.runId));
        }
        s.add(SyncStat.MIRROR_SCANNED, slice.size());
        s.add(SyncStat.MISSING_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        s.add(SyncStat.MISSING, writes.size());
        s.add(SyncStat.MIRROR_WRITES, writes.size() * 2L);
        if (!slice.isEmpty()) {
            s.missingAfterId = slice.get(slice.size() - 1).subscriberId();
        }
        if (slice.size() < SLICE) {
            s.phase = SyncPhase.DRIFT;
        }
        return Step.did("missing slice");
    }
}
