package io.kitbridge.sync;

import io.kitbridge.budget.Priority;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitCatalog;
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
    @Inject
    SyncKit kit;

    @Inject
    KitCatalog catalog;

    @Inject
    MirrorIo io;

    @Inject
    SyncStateStore store;

    @Inject
    SyncConfig config;

    @Inject
    Clock clock;

    /** Full run: store the members of the current tag page; after the last tag, go on to the subscriber pages. */
    void stepMemberships(SyncState s) {
        if (!s.catalogLoaded) {
            loadCatalog(s, true);
            return;
        }
        if (s.tagIndex >= s.tagIds.size()) {
            s.phase = SyncPhase.PAGES;
            store.saveOrMoved(s);
            return;
        }
        SubscriberPage page = tagPage(s, null);
        if (page == null) {
            return;
        }
        long started = System.nanoTime();
        long[] ids = page.items().stream().mapToLong(Subscriber::id).toArray();
        store.putIds(s, SyncStateStore.tagSk(s.tagIndex, s.tagPage), ids, config.dataTtl());
        s.add(SyncState.TAG_MEMBERS, ids.length);
        s.add(SyncState.TAG_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        advance(s, page);
        store.saveOrMoved(s);
    }

    /** Incremental run: add tags applied since the watermark to the mirror records they belong to. */
    void stepAdds(SyncState s) {
        if (!s.catalogLoaded) {
            loadCatalog(s, false);
            return;
        }
        if (s.tagIndex >= s.tagIds.size()) {
            s.phase = SyncPhase.DONE;
            store.saveOrMoved(s);
            return;
        }
        SubscriberPage page = tagPage(s, s.filterAfter);
        if (page == null) {
            return;
        }
        long started = System.nanoTime();
        long tagId = s.tagIds.get(s.tagIndex);
        String name = s.tagNames.get(s.tagIndex);
        Map<Long, MirrorRecord> existing = io.existing(s.account, page.items().stream().map(Subscriber::id).toList(), false);
        List<MirrorRecord> writes = new ArrayList<>();
        for (MirrorRecord r : existing.values()) {
            if (r.tagIds() != null && r.tagIds().contains(tagId)) {
                continue;
            }
            List<String> names = new ArrayList<>(r.tags() == null ? List.of() : r.tags());
            List<Long> ids = new ArrayList<>(r.tagIds() == null ? List.of() : r.tagIds());
            names.add(name);
            ids.add(tagId);
            WorkingSets.TagsOf tags = WorkingSets.TagsOf.sorted(names, ids);
            writes.add(new MirrorRecord(r.account(), r.subscriberId(), r.email(), r.firstName(), r.state(), r.fields(),
                    tags.names(), tags.ids(), clock.millis(), MirrorRecord.SOURCE_SYNC,
                    MirrorStore.contentHash(r.email(), r.firstName(), r.state(), r.fields(), tags.names()), s.runId,
                    Math.max(r.eventAt(), clock.millis())));
        }
        io.putAll(writes);
        s.add(SyncState.TAG_MEMBERS, page.items().size());
        s.add(SyncState.TAGS_ADDED, writes.size());
        s.add(SyncState.WRITTEN, writes.size());
        s.add(SyncState.MIRROR_WRITES, writes.size());
        s.add(SyncState.TAG_PROCESSING_MILLIS, (System.nanoTime() - started) / 1_000_000);
        advance(s, page);
        store.saveOrMoved(s);
    }

    private void loadCatalog(SyncState s, boolean refresh) {
        Map<String, Long> tags = catalog.tags(s.account, Priority.BULK, refresh);
        if (refresh) {
            s.add(SyncState.KIT_REQUESTS, 1);
        }
        s.tagIds = new ArrayList<>();
        s.tagNames = new ArrayList<>();
        tags.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).forEach(e -> {
            s.tagIds.add(e.getValue());
            s.tagNames.add(e.getKey());
        });
        s.catalogLoaded = true;
        s.tagIndex = 0;
        s.tagCursor = null;
        s.tagPage = 0;
        store.saveOrMoved(s);
    }

    /** The current tag's next page, or null when Kit no longer has the tag (then the run moves to the next tag). */
    private SubscriberPage tagPage(SyncState s, String taggedAfter) {
        long tagId = s.tagIds.get(s.tagIndex);
        String cursor = s.tagCursor;
        try {
            return kit.call(s, "sync: list tag subscribers", api -> api.listTagSubscribers(s.account, tagId, "all",
                    taggedAfter, null, config.pageSize(), cursor));
        } catch (KitException e) {
            if (e.kind() != KitErrorKind.NOT_FOUND) {
                throw e;
            }
            // deleted in Kit while we read it: nobody carries it any more
            s.skippedTags.add(s.tagIndex);
            nextTag(s);
            store.saveOrMoved(s);
            return null;
        }
    }

    private void advance(SyncState s, SubscriberPage page) {
        s.add(SyncState.TAG_PAGES, 1);
        String next = page.pagination() == null ? null : page.pagination().endCursor();
        if (page.hasNextPage()) {
            if (next == null || next.equals(s.tagCursor)) {
                throw new KitbridgeException("KitProtocolError", "Kit said tag " + s.tagIds.get(s.tagIndex)
                        + " has a page after cursor " + s.tagCursor + " but gave no new end_cursor");
            }
            s.tagCursor = next;
            s.tagPage++;
        } else {
            s.setTagPages(s.tagIndex, s.tagPage + 1);
            nextTag(s);
        }
    }

    private static void nextTag(SyncState s) {
        s.tagIndex++;
        s.tagCursor = null;
        s.tagPage = 0;
    }
}
