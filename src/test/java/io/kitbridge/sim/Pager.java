package io.kitbridge.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.IntToLongFunction;
import java.util.function.LongPredicate;

/**
 * Cursor pagination over ordered sequences of {@code long} items (subscriber slots, ids or list indexes).
 * Pages cost O(page) plus whatever the filter skips; cursors are opaque base64 of the last/first item's key.
 */
final class Pager {
    private Pager() {
    }

    /** Thrown for an undecodable cursor; mapped to 422. */
    static final class BadCursor extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadCursor() {
            super("Invalid cursor");
        }
    }

    interface LongIter {
        boolean hasNext();

        long next();
    }

    /** An ordered sequence of items with a cursor key per item. */
    interface Seq<K> {
        K decode(String cursor);

        String encode(long item);

        /**
         * Iterate from {@code key} ({@code null} = from the start, or the end when backward). Forward yields items
         * after (inclusive: at-or-after) the key in display order; backward yields items before (at-or-before) it
         * in reverse display order.
         */
        LongIter from(K key, boolean inclusive, boolean forward);
    }

    record Page(long[] items, int size, boolean hasPrev, boolean hasNext, String startCursor, String endCursor,
                int perPage) {
    }

    static <K> Page page(Seq<K> seq, LongPredicate filter, String after, String before, int perPage) {
        long[] buf = new long[Math.min(perPage, 1024)];
        int size = 0;
        boolean hasPrev;
        boolean hasNext;
        if (before != null && after == null) {
            K k = seq.decode(before);
            LongIter it = seq.from(k, false, false);
            while (size < perPage && it.hasNext()) {
                long v = it.next();
                if (filter.test(v)) {
                    if (size == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                    buf[size++] = v;
                }
            }
            hasPrev = anyMatch(it, filter);
            for (int i = 0, j = size - 1; i < j; i++, j--) {
                long t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
            hasNext = anyMatch(seq.from(k, true, true), filter);
        } else {
            K k = after == null ? null : seq.decode(after);
            LongIter it = seq.from(k, false, true);
            while (size < perPage && it.hasNext()) {
                long v = it.next();
                if (filter.test(v)) {
                    if (size == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                    buf[size++] = v;
                }
            }
            hasNext = anyMatch(it, filter);
            hasPrev = k != null && anyMatch(seq.from(k, true, false), filter);
        }
        String start = size == 0 ? null : seq.encode(buf[0]);
        String end = size == 0 ? null : seq.encode(buf[size - 1]);
        return new Page(buf, size, hasPrev, hasNext, start, end, perPage);
    }

    static <K> long count(Seq<K> seq, LongPredicate filter) {
        LongIter it = seq.from(null, false, true);
        long c = 0;
        while (it.hasNext()) {
            if (filter.test(it.next())) {
                c++;
            }
        }
        return c;
    }

    private static boolean anyMatch(LongIter it, LongPredicate filter) {
        while (it.hasNext()) {
            if (filter.test(it.next())) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- cursor encoding

    static String encodeCursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor, String prefix) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
            if (!raw.startsWith(prefix)) {
                throw new BadCursor();
            }
            return raw.substring(prefix.length());
        } catch (IllegalArgumentException e) {
            throw new BadCursor();
        }
    }

    static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadCursor();
        }
    }

    // ---------------------------------------------------------------- implementations

    /** Compares a cursor key with the item at a display position. */
    interface KeyCompare<K> {
        int compare(K key, int pos);
    }

    /**
     * A random-access sequence of {@code n} display positions; {@code itemAt(pos)} maps a position to the item,
     * {@code cmp} must be monotone in display order.
     */
    static <K> Seq<K> indexed(int n, IntToLongFunction itemAt, KeyCompare<K> cmp,
                              java.util.function.Function<String, K> decoder,
                              java.util.function.LongFunction<String> encoder) {
        return new Seq<K>() {
            @Override
            public K decode(String cursor) {
                return decoder.apply(cursor);
            }

            @Override
            public String encode(long item) {
                return encoder.apply(item);
            }

            /** first position whose element is &gt;= key (strict=false) or &gt; key (strict=true). */
            private int bound(K key, boolean strict) {
                int lo = 0;
                int hi = n;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    int c = cmp.compare(key, mid);
                    if (c > 0 || (strict && c == 0)) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                return lo;
            }

            @Override
            public LongIter from(K key, boolean inclusive, boolean forward) {
                final int start;
                if (forward) {
                    start = key == null ? 0 : bound(key, !inclusive);
                    return new LongIter() {
                        int p = start;

                        public boolean hasNext() {
                            return p < n;
                        }

                        public long next() {
                            return itemAt.applyAsLong(p++);
                        }
                    };
                }
                start = key == null ? n - 1 : bound(key, inclusive) - 1;
                return new LongIter() {
                    int p = start;

                    public boolean hasNext() {
                        return p >= 0;
                    }

                    public long next() {
                        return itemAt.applyAsLong(p--);
                    }
                };
            }
        };
    }

    /** Items are the ids of a navigable set, ascending; the cursor key is the id. */
    static Seq<Long> navigable(NavigableSet<Long> set, String prefix) {
        return new Seq<Long>() {
            @Override
            public Long decode(String cursor) {
                return parseLong(decodeCursor(cursor, prefix));
            }

            @Override
            public String encode(long item) {
                return encodeCursor(prefix + item);
            }

            @Override
            public LongIter from(Long key, boolean inclusive, boolean forward) {
                Iterator<Long> it;
                if (forward) {
                    it = key == null ? set.iterator() : set.tailSet(key, inclusive).iterator();
                } else {
                    it = key == null ? set.descendingIterator() : set.headSet(key, inclusive).descendingIterator();
                }
                return new LongIter() {
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    public long next() {
                        return it.next();
                    }
                };
            }
        };
    }

    /** Items are indexes 0..ids.length-1 of a list whose ids ascend; the cursor key is the id. */
    static Seq<Long> idList(long[] ids, String prefix) {
        return indexed(ids.length, p -> p, (key, pos) -> Long.compare(key, ids[pos]),
                c -> parseLong(decodeCursor(c, prefix)), item -> encodeCursor(prefix + ids[(int) item]));
    }

    static List<Long> toList(Page p) {
        List<Long> out = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            out.add(p.items()[i]);
        }
        return Collections.unmodifiableList(out);
    }
}
