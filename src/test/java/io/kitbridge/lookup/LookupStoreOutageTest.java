package io.kitbridge.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.FreezableProxy;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 19: a store that stops answering makes lookup fail fast with StoreUnavailable, never a Lambda timeout. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {@ResourceArg(name = "function", value = "lookup"),
    @ResourceArg(name = "storeProxy", value = "true")})
class LookupStoreOutageTest {
    /** Generous for a loaded 2-core machine; the configured call timeout is 2 s (kitbridge.dynamodb.api-call-timeout). */
    private static final long UPPER_BOUND_MILLIS = 5_000;

    @Inject
    MirrorStore mirror;

    @AfterEach
    void storeBack() {
        FreezableProxy.current().thaw();
    }

    @Test
    void should_fail_with_store_unavailable_within_seconds_when_the_store_stops_answering() {
        // GIVEN a person in the mirror, and then a store that accepts connections but never answers
        mirror.put(new MirrorRecord("default", 5151, "frozen@example.com", "F", "active", Map.of(), List.of(), List.of(),
                1_700_000_000_000L, MirrorRecord.SOURCE_SYNC, null, "s1", 1));
        assertEquals(5151, Lambda.invoke(Map.of("subscriberId", 5151)).jsonPath().getLong("subscriberId"));
        FreezableProxy.current().freeze();
        // WHEN lookup is invoked
        long started = System.nanoTime();
        Response during = Lambda.invoke(Map.of("subscriberId", 5151));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        FreezableProxy.current().thaw();
        // THEN it fails quickly with the typed, retryable error
        assertEquals("StoreUnavailable", Lambda.errorType(during), during.asString());
        assertTrue(tookMillis < UPPER_BOUND_MILLIS, "StoreUnavailable took " + tookMillis + " ms");
        System.out.println("[outage] lookup StoreUnavailable with a frozen store after " + tookMillis + " ms");
        // AND once the store is back the same lookup answers
        assertEquals(5151, Lambda.invoke(Map.of("subscriberId", 5151)).jsonPath().getLong("subscriberId"));
    }
}
