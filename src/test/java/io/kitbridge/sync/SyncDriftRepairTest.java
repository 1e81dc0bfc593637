package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.sim.RecordedRequest;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kitbridge.sync.repair-drift=true: a full sync puts Kit back to the state provision recorded. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "6000"),
        @ResourceArg(name = "kitbridge.sync.repair-drift", value = "true")})
class SyncDriftRepairTest {
    World world;

    @Inject
    MirrorStore mirror;

    @Test
    void should_repair_drifted_fields_and_tags_in_kit_and_the_mirror_when_repair_is_on() {
        // GIVEN desired state for two active people that Kit no longer matches (a field changed, a tag gone),
        // and one desired tag that does not exist in Kit at all
        SimAdmin sim = world.kit().admin();
        sim.seed(new SeedSpec(500, 5, List.of("company", "plan"), 5L));
        List<SimSubscriber> active = sim.allSubscribers().stream().filter(s -> "active".equals(s.state())).limit(2).toList();
        SimSubscriber fieldDrift = active.get(0);
        SimSubscriber tagDrift = active.get(1);
        Map<String, Long> tags = sim.tagIdsByName();
        String lostTag = tags.entrySet().stream().filter(e -> !tagDrift.tagIds().contains(e.getValue())).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
        mirror.putDesired("default", fieldDrift.email(), Map.of("plan", "enterprise", "company", "Acme"), List.of());
        mirror.putDesired("default", tagDrift.email(), Map.of(), List.of(lostTag, "not-a-kit-tag"));
        world.kit().log().clear();
        // WHEN a full sync runs through the state machine
        JsonNode run = LocalStateMachine.run("{\"account\":\"default\",\"mode\":\"full\"}", "repair", "--wait-scale", "0.05",
                "--retry-ms", "50");
        // THEN Kit was repaired with one PUT and one tag call, inside the budget
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        List<RecordedRequest> writes = world.kit().log().mutating();
        assertEquals(List.of("PUT /v4/subscribers/" + fieldDrift.id(), "POST /v4/tags/" + tags.get(lostTag) + "/subscribers/"
                + tagDrift.id()), writes.stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals("enterprise", sim.subscriber(fieldDrift.id()).orElseThrow().fields().get("plan"));
        assertEquals("Acme", sim.subscriber(fieldDrift.id()).orElseThrow().fields().get("company"));
        assertTrue(sim.subscriber(tagDrift.id()).orElseThrow().tagIds().contains(tags.get(lostTag)));
        assertEquals(0, sim.rateLimited429s());
        // AND the mirror shows the repaired state, the repairs are audited, and the unknown tag is reported
        MirrorRecord repaired = mirror.get("default", fieldDrift.id()).orElseThrow();
        assertEquals("enterprise", repaired.fields().get("plan"));
        assertTrue(mirror.get("default", tagDrift.id()).orElseThrow().tags().contains(lostTag));
        assertEquals("repaired", mirror.history("default", fieldDrift.email(), 1).get(0).outcome());
        assertEquals("partly-repaired", mirror.history("default", tagDrift.email(), 1).get(0).outcome());
        JsonNode stats = run.path("output").path("stats");
        assertEquals(2, stats.path("drifted").asLong(), stats.toString());
        assertEquals(1, stats.path("repaired").asLong(), stats.toString());
        assertTrue(run.path("output").path("drift").toString().contains("not-a-kit-tag"), run.toString());
        assertEquals(List.of(), MirrorMatch.differences(sim, mirror, "default"));
    }
}
