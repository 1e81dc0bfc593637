package io.kitbridge.sync;

import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitPages;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberPage;
import io.kitbridge.kit.Tag;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One page of GET /v4/subscribers (status=all, per_page, include=tags, the stored after cursor; incremental runs add
 * updated_after): state, first name, fields and tag membership from the same item. Writes only records whose
 * content changed; the cursor advances only after the page is stored, and a reprocessed page writes nothing new.
 * The next page is read ahead ({@link PageAhead}) while this one is written.
 */
@ApplicationScoped
class SubscriberPass {
    private static final Logger LOG = Logger.getLogger(SubscriberPass.class);
    private static final String INCLUDE_TAGS = "tags";

    @Inject PageAhead ahead;

    @Inject SyncMetrics metrics;

    @Inject SyncKit kit;

    @Inject MirrorIo io;

    @Inject SyncStateStore store;

    @Inject WorkingSets sets;

    @Inject SyncConfig config;

    /**
     * @param readAhead another unit follows in this invocation: read the next page while this one is written
     */
    Step step(SyncState s, boolean readAhead) {
        PageAhead.Key key = key(s, s.cursor);
        PageAhead.Read read;
        SubscriberPage page;
        try {
            Optional<PageAhead.Read> early = ahead.take(key);
            if (early.isPresent()) {
                s.add(SyncStat.PAGES_READ_AHEAD, 1);
            }
            read = early.orElseGet(() -> ahead.read(key));
            read.call().count(s);
            page = read.call().get();
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
        long readAt = read.readAt();
        List<Subscriber> items = page.items();
        if (s.tagsFromPages() && items.stream().anyMatch(k -> k.tags() == null)) {
            return fallBackToTagLists(s);
        }
        boolean more = page.hasNextPage();
        String next = page.pagination() == null ? null : page.pagination().endCursor();
        if (more) {
            KitPages.requireNewCursor(next, s.cursorsSeen, "subscribers");
            if (readAhead) {
                ahead.start(key(s, next));
            }
        }
        long started = System.nanoTime();
        List<Long> ids = items.stream().map(Subscriber::id).toList();
        // the unfiltered listing is id-ordered, so a full run's page is a contiguous id range
        Map<Long, MirrorRecord> existing = io.existing(s.account, ids, s.filterAfter == null);
        long compareStarted = System.nanoTime();
        List<MirrorObservation> observations = new ArrayList<>(items.size());
        if (s.tagsFromPages()) {
            Map<Long, String> catalogNames = catalogNames(s);
            for (Subscriber k : items) {
                // profile and tags come from the same item, observed at once: the tags listed are present and every
                // other tag is absent, all at the page's read time
                Map<Long, MirrorObservation.TagSeen> tags = new HashMap<>();
                for (Tag t : k.tags()) {
                    tags.put(t.id(), new MirrorObservation.TagSeen(readAt, true,
                            t.name() != null ? t.name() : catalogNames.get(t.id())));
                }
                observations.add(new MirrorObservation(s.account, k.id(), profile(readAt, k), tags, readAt,
                        MirrorRecord.SOURCE_SYNC, s.runId, false));
            }
        } else {
            WorkingSets.Memberships members = s.mode == SyncMode.FULL ? sets.memberships(s) : null;
            for (Subscriber k : items) {
                // the profile was observed when this page was read; full runs also carry each tag list's read time,
                // and every tag not listed was seen absent when the catalog was read
                observations.add(new MirrorObservation(s.account, k.id(), profile(readAt, k),
                        members == null ? Map.of() : members.observed(k.id()),
                        members == null ? 0 : s.catalogAt > 0 ? s.catalogAt : s.startedAt, MirrorRecord.SOURCE_SYNC,
                        s.runId, false));
            }
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
        if (!more) {
            s.cursorsSeen.clear();
        }
        s.cursor = more ? next : null;
        s.page++;
        s.add(SyncStat.SUBSCRIBER_PAGES, 1);
        s.add(SyncStat.SUBSCRIBERS_READ, items.size());
        s.add(SyncStat.WRITTEN, written);
        s.add(SyncStat.MIRROR_WRITES, written);
        s.add(SyncStat.UNCHANGED, unchanged);
        s.add(SyncStat.SKIPPED_NEWER, newer);
        s.add(SyncStat.PAGE_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        s.add(SyncStat.PAGE_CPU_MICROS, cpu / 1_000);
        if (!more) {
            s.phase = s.mode == SyncMode.FULL ? SyncPhase.MISSING
                    : config.incrementalTagPass() ? SyncPhase.TAG_ADDS : SyncPhase.DONE;
        }
        return Step.did("subscriber page " + (s.page - 1));
    }

    private static MirrorObservation.Profile profile(long readAt, Subscriber k) {
        return new MirrorObservation.Profile(readAt, k.emailAddress(), k.firstName(), k.state(), k.fieldsOrEmpty());
    }

    /** The page at {@code cursor} of this run's listing; include=tags until the run fell back to the tag lists. */
    private static PageAhead.Key key(SyncState s, String cursor) {
        return new PageAhead.Key(s.account, s.runId, cursor, s.filterAfter, s.tagsFromPages() ? INCLUDE_TAGS : null);
    }

    private static Map<Long, String> catalogNames(SyncState s) {
        Map<Long, String> names = new HashMap<>();
        for (int i = 0; i < s.tagIds.size() && i < s.tagNames.size(); i++) {
            names.put(s.tagIds.get(i), s.tagNames.get(i));
        }
        return names;
    }

    /**
     * Kit answered include=tags without {@code tags} on the items: this page says nothing about memberships, so
     * nothing of it is written. A full run reads every tag's member list and then the subscriber pages again from
     * the start; an incremental run goes on without tags on its pages (its tagged_after pass adds tags). Said in
     * the output ({@code tagsFrom}, {@code reason}), the stats ({@code tagFallbacks}) and metric SyncTagFallback.
     */
    private Step fallBackToTagLists(SyncState s) {
        s.tagsFrom = SyncState.TAGS_FROM_TAG_LISTS;
        s.add(SyncStat.TAG_FALLBACKS, 1);
        s.lastError = "Kit answered include=tags without tags on subscriber page " + s.page
                + "; reading each tag's member list instead";
        metrics.tagFallback(s.mode);
        ahead.discard(s.runId);
        LOG.warnf("sync of account %s: run %s: %s", s.account, s.runId, s.lastError);
        if (s.mode == SyncMode.FULL) {
            s.phase = SyncPhase.TAGS;
            s.tagIndex = 0;
            s.tagCursor = null;
            s.tagPage = 0;
            s.cursor = null;
            s.page = 0;
            s.cursorsSeen.clear();
        }
        return Step.did("include=tags not honoured: tags from the tag lists");
    }
}
