package io.kitbridge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BoundedCacheTest {
    @Test
    void should_keep_at_most_capacity_entries_and_evict_the_least_recently_used_when_flooded() {
        // GIVEN a cache of 3 entries holding a, b, c, where a was just used
        BoundedCache<String, Integer> cache = new BoundedCache<>(3);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.put("c", 3);
        cache.get("a");
        // WHEN 1000 more (forged) names arrive
        for (int i = 0; i < 1000; i++) {
            cache.put("forged-" + i, i);
        }
        // THEN it still holds 3, the newest ones
        assertEquals(3, cache.size());
        assertEquals(999, cache.get("forged-999"));
        assertNull(cache.get("a"));
        // AND with one newcomer, the least recently used goes first
        cache.get("forged-997");
        cache.put("new", 0);
        assertNull(cache.get("forged-998"));
        assertEquals(997, cache.get("forged-997"));
    }
}
