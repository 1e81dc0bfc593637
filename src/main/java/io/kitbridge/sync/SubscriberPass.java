package io.kitbridge.sync;

import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitPages;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberPage;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
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

    Step step(SyncState s) {
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
                return Step.did("updated_after fallback to a date");
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
        List<MirrorObservation> observations = new ArrayList<>(items.size());
        for (Subscriber k : items) {
            // the profile was observed when this page was read; full runs also carry each tag list's read time,
            // and every tag not listed was seen absent when the catalog was read
            observations.add(new MirrorObservation(s.account, k.id(), new MirrorObservation.Profile(readAt,
                    k.emailAddress(), k.firstName(), k.state(), k.fieldsOrEmpty()),
                    members == null ? Map.of() : members.observed(k.id()),
                    members == null ? 0 : s.catalogAt > 0 ? s.catalogAt : s.startedAt, MirrorRecord.SOURCE_SYNC,
                    s.runId, false));
        }
        long cpu = System.nanoTime() - compareStarted; // building the observations; merging runs inside the writes
        List<MirrorMerge.Result> results = io.mergeAll(observations, existing);
        long written = results.stream().filter(MirrorMerge.Result::write).count();
        // not written because a webhook (or provision) had already stored a later observation
        long newer = results.stream().filter(r -> !r.write() && !r.profileApplied()).count();
        long unchanged = results.size() - written - newer;
        if (s.mode == SyncMode.FULL) {
            store.putSeenIds(s, s.page, ids.stream().mapToLong(Long::longValue).toArray(),
                    config.dataTtl());
        }
        boolean more = page.hasNextPage();
        String next = page.pagination() == null ? null : page.pagination().endCursor();
        if (more) {
            KitPages.requireNewCursor(next, s.cursorsSeen, "subscribers");
        } else {
            s.cursorsSeen.clear();
        }
        s.cursor = more ? next : null;
        s.page++;
        s.add(SyncState.SUBSCRIBER_PAGES, 1);
        s.add(SyncState.SUBSCRIBERS_READ, items.size());
        s.add(SyncState.WRITTEN, written);
        s.add(SyncState.MIRROR_WRITES, written);
        s.add(SyncState.UNCHANGED, unchanged);
        s.add(SyncState.SKIPPED_NEWER, newer);
        s.add(SyncState.PAGE_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        s.add(SyncState.PAGE_CPU_MICROS, cpu / 1_000);
        if (!more) {
            s.phase = s.mode == SyncMode.FULL ? SyncPhase.MISSING
                    : config.incrementalTagPass() ? SyncPhase.TAG_ADDS : SyncPhase.DONE;
        }
        return Step.did("subscriber page " + (s.page - 1));
    }
}
