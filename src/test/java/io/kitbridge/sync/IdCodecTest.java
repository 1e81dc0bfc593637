package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdCodecTest {
    @Test
    void should_round_trip_ids_sorted_in_about_a_byte_each_when_encoding_a_kit_page() {
        // GIVEN a page of 1000 ascending Kit ids with small gaps, shuffled, plus one huge id
        SplittableRandom random = new SplittableRandom(1);
        long[] ids = new long[1001];
        long id = 2_000_000_000L;
        for (int i = 0; i < 1000; i++) {
            id += 1 + random.nextInt(3);
            ids[(i * 7) % 1000] = id;
        }
        ids[1000] = Long.MAX_VALUE / 2;
        // WHEN encoded and decoded
        byte[] packed = IdCodec.encode(ids);
        long[] back = IdCodec.decode(packed);
        // THEN the same ids come back sorted, and the page fits in about a kilobyte
        long[] sorted = ids.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(sorted, back);
        assertTrue(packed.length < 1100, "packed size " + packed.length);
    }

    @Test
    void should_find_members_across_pages_when_building_a_set() {
        IdSet set = IdSet.of(List.of(new long[] {5, 9, 9}, new long[] {1, 7}, new long[0]));
        assertEquals(4, set.size());
        assertTrue(set.contains(9));
        assertTrue(set.contains(1));
        assertFalse(set.contains(6));
        assertFalse(IdSet.EMPTY.contains(1));
    }
}
