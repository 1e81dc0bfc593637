package io.kitbridge.sync;

import java.util.Arrays;
import java.util.Collection;

/** An immutable set of subscriber ids (sorted array, binary search): 1M ids cost 8 MB. */
final class IdSet {
    static final IdSet EMPTY = new IdSet(new long[0]);

    private final long[] ids;

    private IdSet(long[] sortedDistinct) {
        this.ids = sortedDistinct;
    }

    static IdSet of(Collection<long[]> parts) {
        int total = 0;
        for (long[] part : parts) {
            total += part.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (n == 0 || all[n - 1] != all[i]) {
                all[n++] = all[i];
            }
        }
        return new IdSet(Arrays.copyOf(all, n));
    }

    boolean contains(long id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    int size() {
        return ids.length;
    }
}
