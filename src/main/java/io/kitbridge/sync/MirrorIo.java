package io.kitbridge.sync;

import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A page's mirror reads and writes, in parallel. Reads of a page of the full listing (a contiguous id range) are
 * range Queries; reads of a sparse page (incremental, tag members) are GetItems. Writes are merges
 * ({@link MirrorStore#mergeFromSync}): one conditional UpdateItem per changed record, so nothing observed after
 * the page was read (a webhook, provision) is overwritten by it, and the webhook's {@code recentEvents} is never
 * written by sync.
 */
@ApplicationScoped
class MirrorIo {
    private static final int RANGE_CHUNK = 250;
    private static final int GET_CHUNK = 25;
    private static final int MERGE_CHUNK = 25;

    @Inject MirrorStore mirror;

    @Inject ParallelIo parallel;

    /** The mirror records of these ids that exist; {@code contiguous}: ids are a whole id range of Kit's listing. */
    Map<Long, MirrorRecord> existing(String account, List<Long> ids, boolean contiguous) {
        Map<Long, MirrorRecord> out = new HashMap<>();
        if (contiguous) {
            List<Long> sorted = new ArrayList<>(ids);
            sorted.sort(null);
            Set<Long> wanted = new HashSet<>(ids);
            parallel.map(sorted, RANGE_CHUNK, chunk -> mirror.subscribersBetween(account, chunk.get(0),
                    chunk.get(chunk.size() - 1))).forEach(records -> records.forEach(r -> {
                        if (wanted.contains(r.subscriberId())) {
                            out.put(r.subscriberId(), r);
                        }
                    }));
        } else {
            parallel.map(ids, GET_CHUNK, chunk -> chunk.stream().map(id -> mirror.get(account, id)).toList())
                    .forEach(found -> found.forEach(r -> r.ifPresent(m -> out.put(m.subscriberId(), m))));
        }
        return out;
    }

    /** Merges each observation into its record ({@code existing}: as read with this page); results in order. */
    List<MirrorMerge.Result> mergeAll(List<MirrorObservation> observations, Map<Long, MirrorRecord> existing) {
        List<MirrorMerge.Result> out = new ArrayList<>(observations.size());
        parallel.map(observations, MERGE_CHUNK, chunk -> chunk.stream().map(o -> mirror.mergeFromSync(o.account(),
                o.subscriberId(), Optional.ofNullable(existing.get(o.subscriberId())), ignored -> o)).toList())
                .forEach(out::addAll);
        return out;
    }
}
