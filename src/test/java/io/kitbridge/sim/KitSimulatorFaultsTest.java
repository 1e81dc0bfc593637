package io.kitbridge.sim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every fault kind as seen by a java.net.http client. */
class KitSimulatorFaultsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private KitSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private KitSimulator start(Dialect d) {
        sim = KitSimulator.start(SimConfig.defaults().withDialect(d));
        return sim;
    }

    private HttpResponse<String> get(String path, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(timeout)
                .header("X-Kit-Api-Key", "test-api-key").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, Duration.ofSeconds(10));
    }

    @Test
    void should_return_json_error_status_when_status_fault_is_injected() throws Exception {
        // GIVEN a one-shot 503 on subscriber listing
        start(Dialect.PUBLIC).faults().inject(Fault.once("GET", "/v4/subscribers", FaultKind.STATUS, 503));
        // WHEN listing twice
        HttpResponse<String> first = get("/v4/subscribers");
        HttpResponse<String> second = get("/v4/subscribers");
        // THEN first is 503 with a JSON errors body, second is normal
        assertEquals(503, first.statusCode());
        assertTrue(first.body().startsWith("{\"errors\":["));
        assertEquals(200, second.statusCode());
        assertEquals(0, sim.faults().active().size());
        assertEquals(503, sim.log().all().get(0).status());
    }

    @Test
    void should_return_html_page_when_html_error_fault_is_injected() throws Exception {
        // GIVEN an HTML 502 on any path
        start(Dialect.PUBLIC).faults().inject(Fault.once(null, null, FaultKind.HTML_ERROR, 502));
        // WHEN any request is made
        HttpResponse<String> r = get("/v4/tags");
        // THEN a 502 text/html page arrives
        assertEquals(502, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(r.body().contains("<html>"));
    }

    @Test
    void should_delay_response_when_latency_fault_is_injected() throws Exception {
        // GIVEN 700 ms latency on GET /v4/tags
        start(Dialect.PUBLIC).faults().inject(Fault.latency("GET", "/v4/tags", 700));
        // WHEN called with a generous and with a short client timeout
        long t0 = System.nanoTime();
        HttpResponse<String> slow = get("/v4/tags");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // THEN the normal answer arrives late, and a 200 ms client timeout fires
        assertEquals(200, slow.statusCode());
        assertTrue(ms >= 650, "took " + ms);
        assertThrows(HttpTimeoutException.class, () -> get("/v4/tags", Duration.ofMillis(200)));
    }

    @Test
    void should_make_client_throw_ioexception_when_reset_fault_is_injected() throws Exception {
        // GIVEN a warm keep-alive connection and a RESET for the next two requests
        start(Dialect.PUBLIC);
        assertEquals(200, get("/v4/subscribers").statusCode());
        sim.faults().inject(Fault.times("GET", "/v4/subscribers", FaultKind.RESET, 0, 2));
        // WHEN requested
        // THEN the client sees an IOException (not a silent retry), each time
        assertThrows(IOException.class, () -> get("/v4/subscribers"));
        assertThrows(IOException.class, () -> get("/v4/subscribers"));
        assertEquals(200, get("/v4/subscribers").statusCode());
        assertEquals(-1, sim.log().all().get(1).status());
        assertEquals(4, sim.log().count("GET", "/v4/subscribers"));
    }

    @Test
    void should_return_empty_and_malformed_bodies_when_those_faults_are_injected() throws Exception {
        // GIVEN EMPTY_200 then MALFORMED_JSON
        start(Dialect.PUBLIC);
        sim.faults().inject(Fault.once("GET", "/v4/subscribers", FaultKind.EMPTY_200, 0));
        sim.faults().inject(Fault.once("GET", "/v4/subscribers", FaultKind.MALFORMED_JSON, 0));
        // WHEN listing twice
        HttpResponse<String> empty = get("/v4/subscribers");
        HttpResponse<String> broken = get("/v4/subscribers");
        // THEN a 200 with no body, then a 200 with truncated JSON
        assertEquals(200, empty.statusCode());
        assertEquals("", empty.body());
        assertEquals(200, broken.statusCode());
        assertEquals("{\"subscribers\":[{", broken.body());
        assertThrows(IOException.class, () -> SimTestClient.MAPPER.readTree(broken.body()));
    }

    @Test
    void should_return_dialect_429_without_violation_when_rate_limit_fault_is_injected() throws Exception {
        // GIVEN injected 429s in both dialects
        start(Dialect.SEED).faults().inject(Fault.once(null, "/v4/", FaultKind.RATE_LIMIT, 0));
        HttpResponse<String> seed = get("/v4/tags");
        sim.close();
        start(Dialect.PUBLIC).faults().inject(Fault.once(null, "/v4/", FaultKind.RATE_LIMIT, 0));
        sim.faults().inject(Fault.once(null, "/v4/", FaultKind.RATE_LIMIT, 7));
        // WHEN requests hit them
        HttpResponse<String> pub = get("/v4/tags");
        HttpResponse<String> pubWithHeader = get("/v4/tags");
        // THEN SEED carries Retry-After, PUBLIC does not unless given, bodies are plain text; no violations
        assertEquals(429, seed.statusCode());
        assertTrue(seed.headers().firstValue("Retry-After").isPresent());
        assertEquals(429, pub.statusCode());
        assertEquals("Retry later", pub.body());
        assertTrue(pub.headers().firstValue("Retry-After").isEmpty());
        assertEquals("7", pubWithHeader.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(0, sim.admin().violations());
        assertEquals(2, sim.admin().rateLimited429s());
    }

    @Test
    void should_count_faulted_requests_toward_the_rate_limit_when_faults_are_injected() throws Exception {
        // GIVEN limit 3 and an unlimited 500 fault
        sim = KitSimulator.start(SimConfig.defaults().withApiKeyLimit(3).withApiKeys(Set.of("test-api-key")));
        sim.faults().inject(Fault.always("GET", "/v4/subscribers", FaultKind.STATUS, 500));
        // WHEN 4 requests are made
        int[] statuses = new int[4];
        for (int i = 0; i < 4; i++) {
            statuses[i] = get("/v4/subscribers").statusCode();
        }
        // THEN three 500s consumed the budget and the fourth is a real 429 violation
        assertEquals(500, statuses[0]);
        assertEquals(500, statuses[2]);
        assertEquals(429, statuses[3]);
        assertEquals(1, sim.admin().violations());
        sim.faults().clear();
        assertTrue(sim.faults().active().isEmpty());
    }

    @Test
    void should_apply_faults_probabilistically_when_probability_is_below_one() throws Exception {
        // GIVEN a 50% 500 fault
        start(Dialect.PUBLIC).faults().inject(Fault.randomly("GET", "/v4/tags", FaultKind.STATUS, 500, 0.5));
        // WHEN 40 requests are made
        int failed = 0;
        for (int i = 0; i < 40; i++) {
            if (get("/v4/tags").statusCode() == 500) {
                failed++;
            }
        }
        // THEN some but not all fail
        assertTrue(failed > 5 && failed < 35, "failed " + failed);
        assertEquals(failed, sim.faults().appliedCount());
    }
}
