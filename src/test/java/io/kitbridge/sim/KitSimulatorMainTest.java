package io.kitbridge.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone runner's argument handling and ready line. */
class KitSimulatorMainTest {

    @Test
    void should_print_ready_line_and_serve_seeded_data_when_started_with_args() {
        // GIVEN runner arguments
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = {"--port", "0", "--subscribers", "120", "--tags", "4", "--dialect", "seed", "--api-key",
            "demo-key", "--window-seconds", "5"};
        // WHEN started
        try (KitSimulator sim = KitSimulatorMain.start(args, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            // THEN one ready line names the base URL and the simulator answers with the given key and dialect
            String line = out.toString(StandardCharsets.UTF_8).trim();
            assertEquals("KIT_SIMULATOR_READY " + sim.baseUrl(), line);
            assertEquals(Dialect.SEED, sim.config().dialect());
            assertEquals(120, sim.admin().subscriberCount());
            SimTestClient.Res tags = SimTestClient.bearer(sim, "demo-key").get("/v4/tags");
            assertEquals(200, tags.status());
            assertEquals(4, tags.json().get("tags").size());
            assertEquals(401, SimTestClient.apiKey(sim, "test-api-key").get("/v4/tags").status());
            assertTrue(!line.contains("demo-key"));
        }
    }
}
