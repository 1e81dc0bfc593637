package io.kitbridge.sync;

import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
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

    @Inject
    MirrorStore mirror;

    @Inject
    MirrorIo io;

    @Inject
    SyncStateStore store;

    @Inject
    WorkingSets sets;

    @Inject
    Clock clock;

    void step(SyncState s) {
        long started = System.nanoTime();
        IdSet seen = sets.seen(s);
        List<MirrorRecord> slice = mirror.subscribersAfter(s.account, s.missingAfterId, SLICE);
        List<MirrorRecord> writes = new ArrayList<>();
        long now = clock.millis();
        for (MirrorRecord r : slice) {
            if (seen.contains(r.subscriberId()) || MirrorRecord.STATE_MISSING.equals(r.state()) || r.eventAt() >= s.startedAt) {
                continue;
            }
            writes.add(new MirrorRecord(r.account(), r.subscriberId(), r.email(), r.firstName(), MirrorRecord.STATE_MISSING,
                    r.fields(), r.tags(), r.tagIds(), now, MirrorRecord.SOURCE_SYNC, null, s.runId, now));
        }
        io.putAll(writes);
        for (MirrorRecord r : writes) {
            String before = slice.stream().filter(o -> o.subscriberId() == r.subscriberId()).map(MirrorRecord::state)
                    .findFirst().orElse("");
            mirror.audit(s.account, new AuditEntry(null, "sync.missing", r.email(), r.subscriberId(), "marked-missing",
                    "sync", Map.of("state", before), Map.of("state", MirrorRecord.STATE_MISSING),
                    "not in Kit's full listing of run " + s.runId));
        }
        s.add(SyncState.MIRROR_SCANNED, slice.size());
        s.add(SyncState.MISSING_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        s.add(SyncState.MISSING, writes.size());
        s.add(SyncState.MIRROR_WRITES, writes.size() * 2L);
        if (!slice.isEmpty()) {
            s.missingAfterId = slice.get(slice.size() - 1).subscriberId();
        }
        if (slice.size() < SLICE) {
            s.phase = SyncPhase.DRIFT;
        }
        store.saveOrMoved(s);
    }
}
