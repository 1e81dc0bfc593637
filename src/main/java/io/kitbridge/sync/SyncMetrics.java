package io.kitbridge.sync;

import io.kitbridge.common.Emf;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.LongAdder;

/** Sync progress as CloudWatch embedded metrics, by Mode (full | incremental). */
@ApplicationScoped
class SyncMetrics {
    private final LongAdder skipped = new LongAdder();

    /** Kit pages (subscriber and tag pages) a run has read so far. */
    static long pages(SyncState s) {
        return s.stat(SyncStat.SUBSCRIBER_PAGES) + s.stat(SyncStat.TAG_PAGES);
    }

    void pages(SyncMode mode, long pages) {
        if (pages > 0) {
            event(mode).metric("SyncPages", pages, Emf.COUNT).emit();
        }
    }

    void completed(SyncState s) {
        long seconds = Math.max(0, (s.finishedAt - s.startedAt) / 1000);
        event(s.mode).metric("SyncRunsCompleted", 1, Emf.COUNT)
                .metric("SyncRunSeconds", seconds, Emf.SECONDS)
                .metric("SyncItemsWritten", s.stat(SyncStat.WRITTEN), Emf.COUNT)
                .emit();
    }

    /** Kit answered a subscriber page without {@code tags}: this run reads the tag lists instead (never silently). */
    void tagFallback(SyncMode mode) {
        event(mode).metric("SyncTagFallback", 1, Emf.COUNT).emit();
    }

    void skipped(SyncMode mode) {
        skipped.increment();
        event(mode).metric("SyncSkipped", 1, Emf.COUNT).emit();
    }

    /** Skipped invocations since start (tests wait on it instead of on time). */
    long skippedCount() {
        return skipped.sum();
    }

    private static Emf.Event event(SyncMode mode) {
        return Emf.event().dimension("Mode", mode.wireName()).aggregate("Mode");
    }
}
