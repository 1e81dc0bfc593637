package io.kitbridge.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.kitbridge.store.MirrorObservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's id lists loaded from the control table, kept while the container is warm. Only complete lists are
 * loaded (tag members once the TAGS phase is over, ids seen once PAGES is over), so caching by run id is safe.
 */
@ApplicationScoped
class WorkingSets {
    @Inject SyncStateStore store;

    private volatile Cached<Memberships> memberships;
    private volatile Cached<IdSet> seen;

    Memberships memberships(SyncState s) {
        Cached<Memberships> cached = memberships;
        if (cached != null && cached.runId.equals(s.runId)) {
            return cached.value;
        }
        IdSet[] members = new IdSet[s.tagIds.size()];
        for (int i = 0; i < members.length; i++) {
            int pages = s.skippedTags.contains(i) ? 0 : s.tagPages(i);
            members[i] = pages == 0 ? IdSet.EMPTY : IdSet.of(store.tagIds(s.account, s.runId, i, pages));
        }
        List<Long> readAt = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            readAt.add(s.tagReadAt(i));
        }
        Memberships loaded = new Memberships(List.copyOf(s.tagIds), List.copyOf(s.tagNames), members, readAt);
        memberships = new Cached<>(s.runId, loaded);
        return loaded;
    }

    IdSet seen(SyncState s) {
        Cached<IdSet> cached = seen;
        if (cached != null && cached.runId.equals(s.runId)) {
            return cached.value;
        }
        IdSet loaded = IdSet.of(store.seenIds(s.account, s.runId, s.page));
        seen = new Cached<>(s.runId, loaded);
        return loaded;
    }

    private record Cached<T>(String runId, T value) {
    }

    /** Each tag's members as of the run's tag pass, by index into the run's tag catalog snapshot. */
    record Memberships(List<Long> tagIds, List<String> tagNames, IdSet[] members, List<Long> readAt) {
        /** A subscriber's tags as observations: present, each at its tag list's read time. */
        Map<Long, MirrorObservation.TagSeen> observed(long subscriberId) {
            Map<Long, MirrorObservation.TagSeen> out = new HashMap<>();
            for (int i = 0; i < members.length; i++) {
                if (members[i].contains(subscriberId)) {
                    out.put(tagIds.get(i), new MirrorObservation.TagSeen(readAt.get(i), true, tagNames.get(i)));
                }
            }
            return out;
        }

        /** Tag names and ids of a subscriber, names sorted, ids in the same order. */
        TagsOf of(long subscriberId) {
            List<String> names = new ArrayList<>(2);
            List<Long> ids = new ArrayList<>(2);
            for (int i = 0; i < members.length; i++) {
                if (members[i].contains(subscriberId)) {
                    names.add(tagNames.get(i));
                    ids.add(tagIds.get(i));
                }
            }
            return TagsOf.sorted(names, ids);
        }
    }

    /** A subscriber's tags: names sorted, ids aligned with the names. */
    record TagsOf(List<String> names, List<Long> ids) {
        static TagsOf sorted(List<String> names, List<Long> ids) {
            if (names.size() < 2) {
                return new TagsOf(List.copyOf(names), List.copyOf(ids));
            }
            Integer[] order = new Integer[names.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
            List<String> n = new ArrayList<>(order.length);
            List<Long> d = new ArrayList<>(order.length);
            for (int i : order) {
                n.add(names.get(i));
                d.add(ids.get(i));
            }
            return new TagsOf(n, d);
        }
    }
}
