package io.kitbridge.sync;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberPage;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * One page of GET /v4/subscribers (status=all, per_page, the stored after cursor; incremental runs add
 * updated_after). Writes only records whose content hash changed; the cursor advances only after the page is
 * stored, and a reprocessed page writes nothing new.
 */
@ApplicationScoped
class SubscriberPass {
    @Inject
    SyncKit kit;

    @Inject
    MirrorIo io;

    @Inject
    SyncStateStore store;

    @Inject
    WorkingSets sets;

    @Inject
    SyncConfig config;

    @Inject
    Clock clock;

    void step(SyncState s) {
        long readAt = clock.millis();
        String cursor = s.cursor;
        SubscriberPage page;
        try {
            page = kit.call(s, "sync: list subscribers", api -> api.listSubscribers(s.account, "all", null, null, null,
                    s.filterAfter, null, config.pageSize(), cursor, null, null, null, null));
        } catch (KitException e) {
            if (s.mode == SyncMode.INCREMENTAL && s.page == 0 && Filters.isDatetime(s.filterAfter)
                    && (e.kind() == KitErrorKind.UNPROCESSABLE || e.kind() == KitErrorKind.BAD_REQUEST)) {
                // Kit's docs describe updated_after as a date: fall back to one, a day early (more pages, no gap)
                s.filterAfter = Filters.asDate(s.filterAfter);
                s.lastError = "updated_after rejected as datetime; using date " + s.filterAfter;
                store.saveOrMoved(s);
                return;
            }
            throw e;
        }
        long started = System.nanoTime();
        List<Subscriber> items = page.items();
        List<Long> ids = items.stream().map(Subscriber::id).toList();
        // the unfiltered listing is id-ordered, so a full run's page is a contiguous id range
        Map<Long, MirrorRecord> existing = io.existing(s.account, ids, s.filterAfter == null);
        long compareStarted = System.nanoTime();
        WorkingSets.Memberships members = s.mode == SyncMode.FULL ? sets.memberships(s) : null;
        List<MirrorRecord> writes = new ArrayList<>();
        long unchanged = 0;
        long newer = 0;
        for (Subscriber k : items) {
            MirrorRecord old = existing.get(k.id());
            WorkingSets.TagsOf tags = members != null ? members.of(k.id())
                    : old == null ? new WorkingSets.TagsOf(List.of(), List.of()) : new WorkingSets.TagsOf(old.tags(), old.tagIds());
            String email = MirrorStore.normalizeEmail(k.emailAddress());
            Map<String, String> fields = k.fieldsOrEmpty();
            String hash = MirrorStore.contentHash(email, k.firstName(), k.state(), fields, tags.names());
            if (old != null && hash.equals(old.contentHash()) && sameIds(tags.ids(), old.tagIds())) {
                unchanged++;
                continue;
            }
            if (old != null && old.eventAt() > readAt) {
                newer++; // a webhook applied a change Kit made after we read this page: it wins
                continue;
            }
            writes.add(new MirrorRecord(s.account, k.id(), email, k.firstName(), k.state(), fields, tags.names(),
                    tags.ids(), clock.millis(), MirrorRecord.SOURCE_SYNC, hash, s.runId, readAt));
        }
        long cpu = System.nanoTime() - compareStarted;
        io.putAll(writes);
        if (s.mode == SyncMode.FULL) {
            store.putIds(s, SyncStateStore.seenSk(s.page), ids.stream().mapToLong(Long::longValue).toArray(),
                    config.dataTtl());
        }
        boolean more = page.hasNextPage();
        String next = page.pagination() == null ? null : page.pagination().endCursor();
        if (more && (next == null || next.equals(cursor))) {
            throw new KitbridgeException("KitProtocolError", "Kit said there is a page after cursor " + cursor
                    + " but gave no new end_cursor");
        }
        s.cursor = more ? next : null;
        s.page++;
        s.add(SyncState.SUBSCRIBER_PAGES, 1);
        s.add(SyncState.SUBSCRIBERS_READ, items.size());
        s.add(SyncState.WRITTEN, writes.size());
        s.add(SyncState.MIRROR_WRITES, writes.size());
        s.add(SyncState.UNCHANGED, unchanged);
        s.add(SyncState.SKIPPED_NEWER, newer);
        s.add(SyncState.PAGE_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        s.add(SyncState.PAGE_CPU_MICROS, cpu / 1_000);
        if (!more) {
            s.phase = s.mode == SyncMode.FULL ? SyncPhase.MISSING
                    : config.incrementalTagPass() ? SyncPhase.TAG_ADDS : SyncPhase.DONE;
        }
        store.saveOrMoved(s);
    }

    /** Tag ids as sets: webhooks may have stored them in another order. */
    private static boolean sameIds(List<Long> a, List<Long> b) {
        return new HashSet<>(a == null ? List.of() : a).equals(new HashSet<>(b == null ? List.of() : b));
    }
}
