package io.kitbridge.sync;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Sorted subscriber ids as delta varints: a page of 1000 Kit ids (ascending, small gaps) packs into about 1-2 KB,
 * so a run's working sets (ids seen, tag members) cost one small control-table item per Kit page.
 */
final class IdCodec {
    private IdCodec() {
    }

    static byte[] encode(long[] ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        ByteArrayOutputStream out = new ByteArrayOutputStream(sorted.length * 2 + 8);
        long previous = 0;
        for (long id : sorted) {
            if (id < 0) {
                throw new IllegalArgumentException("subscriber ids are positive: " + id);
            }
            long delta = id - previous;
            previous = id;
            while ((delta & ~0x7FL) != 0) {
                out.write((int) ((delta & 0x7F) | 0x80));
                delta >>>= 7;
            }
            out.write((int) delta);
        }
        return out.toByteArray();
    }

    static long[] decode(byte[] bytes) {
        long[] ids = new long[Math.max(16, bytes.length)];
        int n = 0;
        long previous = 0;
        int i = 0;
        while (i < bytes.length) {
            long delta = 0;
            int shift = 0;
            int b;
            do {
                b = bytes[i++];
                delta |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            previous += delta;
            ids[n++] = previous;
        }
        return Arrays.copyOf(ids, n);
    }
}
