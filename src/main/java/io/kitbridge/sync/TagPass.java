package io.kitbridge.sync;

import io.kitbridge.kit.PageQuery;
import io.kitbridge.budget.Priority;
import io.kitbridge.kit.KitCatalog;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Tag memberships, one page of GET /v4/tags/{id}/subscribers (status=all) at a time, tag index and cursor stored
 * in the run state. Full runs store each page's member ids (the subscriber pass then writes complete records,
 * which also drops tags Kit removed — the thing tagged_after cannot see). Incremental runs read only members
 * tagged_after the watermark and add those tags to the mirror.
 */
@ApplicationScoped
class TagPass {
    @Inject SyncKit kit;

    @Inject KitCatalog catalog;

    @Inject MirrorIo io;

    @Inject SyncStateStore store;

    @Inject SyncConfig config;

    @Inject Clock clock;

    /**
     * Full run: the tag catalog; then, only when the run reads memberships from the tag lists (the fallback), store
     * the members of the current tag page; after the last tag, go on to the subscriber pages.
     */
    Step stepMemberships(SyncState s) {
        if (s.tagsFromPages()) {
            // the subscriber pages carry each person's tags (include=tags): the catalog (names for ids) is all
            Step did = s.catalogLoaded ? Step.did("tag catalog loaded") : loadCatalog(s, true);
            s.phase = SyncPhase.PAGES;
            return did;
        }
        if (!s.catalogLoaded) {
            return loadCatalog(s, true);
        }
        if (s.tagIndex >= s.tagIds.size()) {
            s.phase = SyncPhase.PAGES;
            return Step.did("tag memberships done");
        }
        long readAt = clock.millis();
        SubscriberPage page = tagPage(s, null);
        if (page == null) {
            return Step.did("tag gone from Kit");
        }
        if (s.tagPage == 0) {
            s.setTagReadAt(s.tagIndex, readAt); // the tag's memberships are observed from its first page on
        }
        long started = System.nanoTime();
        long[] ids = page.items().stream().mapToLong(Subscriber::id).toArray();
        store.putTagIds(s, s.tagIndex, s.tagPage, ids, config.dataTtl());
        s.add(SyncStat.TAG_MEMBERS, ids.length);
        s.add(SyncStat.TAG_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        advance(s, page);
        return Step.did("tag members page");
    }

    /** Incremental run: add tags applied since the watermark to the mirror records they belong to. */
    Step stepAdds(SyncState s) {
        if (!s.catalogLoaded) {
            return loadCatalog(s, false);
        }
        if (s.tagIndex >= s.tagIds.size()) {
            s.phase = SyncPhase.DONE;
            return Step.did("tag adds done");
        }
        long readAt = clock.millis();
        SubscriberPage page = tagPage(s, s.filterAfter);
        if (page == null) {
            return Step.did("tag gone from Kit");
        }
        long started = System.nanoTime();
        long tagId = s.tagIds.get(s.tagIndex);
        String name = s.tagNames.get(s.tagIndex);
        Map<Long, MirrorRecord> existing = io.existing(s.account, page.items().stream().map(Subscriber::id).toList(), false);
        List<MirrorObservation> observations = new ArrayList<>();
        for (MirrorRecord r : existing.values()) {
            // observed when this tag page was read, not now: a removal delivered meanwhile is newer and stays
            observations.add(new MirrorObservation(r.account(), r.subscriberId(), null,
                    Map.of(tagId, new MirrorObservation.TagSeen(readAt, true, name)), 0, MirrorRecord.SOURCE_SYNC,
                    s.runId, false));
        }
        long written = io.mergeAll(observations, existing).stream().filter(MirrorMerge.Result::write).count();
        s.add(SyncStat.TAGS_ADDED, written);
        s.add(SyncStat.WRITTEN, written);
        s.add(SyncStat.MIRROR_WRITES, written);
        s.add(SyncStat.TAG_MEMBERS, page.items().size());
        s.add(SyncStat.TAG_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        advance(s, page);
        return Step.did("tag adds page");
    }

    private Step loadCatalog(SyncState s, boolean refresh) {
        long readAt = clock.millis();
        Map<String, Long> tags = catalog.tags(s.account, Priority.BULK, refresh);
        if (refresh) {
            s.add(SyncStat.KIT_REQUESTS, 1);
        }
        s.tagIds = new ArrayList<>();
        s.tagNames = new ArrayList<>();
        tags.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).forEach(e -> {
            s.tagIds.add(e.getValue());
            s.tagNames.add(e.getKey());
        });
        s.catalogLoaded = true;
        s.catalogAt = readAt;
        s.tagReadAt = new ArrayList<>();
        s.tagIndex = 0;
        s.tagCursor = null;
        s.tagPage = 0;
        return Step.did("tag catalog");
    }

    /** The current tag's next page, or null when Kit no longer has the tag (then the run moves to the next tag). */
    private SubscriberPage tagPage(SyncState s, String taggedAfter) {
        long tagId = s.tagIds.get(s.tagIndex);
        String cursor = s.tagCursor;
        try {
            return kit.call(s, "sync: list tag subscribers", api -> api.listTagSubscribers(s.account, tagId, "all",
                    taggedAfter, PageQuery.of(config.pageSize(), cursor)));
        } catch (KitException e) {
            if (e.kind() != KitErrorKind.NOT_FOUND) {
                throw e;
            }
            // deleted in Kit while we read it: nobody carries it any more
            s.skippedTags.add(s.tagIndex);
            nextTag(s);
            return null;
        }
    }

    private void advance(SyncState s, SubscriberPage page) {
        s.add(SyncStat.TAG_PAGES, 1);
        String next = page.pagination() == null ? null : page.pagination().endCursor();
        if (page.hasNextPage()) {
            KitPages.requireNewCursor(next, s.cursorsSeen, "the subscribers of tag " + s.tagIds.get(s.tagIndex));
            s.tagCursor = next;
            s.tagPage++;
        } else {
            s.setTagPages(s.tagIndex, s.tagPage + 1);
            nextTag(s);
        }
    }

    private static void nextTag(SyncState s) {
        s.cursorsSeen.clear();
        s.tagIndex++;
        s.tagCursor = null;
        s.tagPage = 0;
    }
}
