package io.kitbridge.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.sim.KitSimulator;
import io.kitbridge.testing.KitWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the simulated Kit account has registered, read and changed over its public API (SimAdmin has no webhook
 * listing): how a person would look in Kit's UI. Each call counts against the simulator's rate limit.
 */
public final class SimWebhooks {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final KitSimulator kit;

    public SimWebhooks(KitSimulator kit) {
        this.kit = kit;
    }

    public List<JsonNode> legacy() {
        return all("/v4/webhooks", "webhooks");
    }

    public List<JsonNode> endpoints() {
        return all("/v4/webhook_endpoints", "webhook_endpoints");
    }

    public JsonNode createLegacy(String url, String event, Long tagId) {
        Map<String, Object> ev = tagId == null ? Map.of("name", event) : Map.of("name", event, "tag_id", tagId);
        return send("POST", "/v4/webhooks", ApiGatewayEvents.write(Map.of("target_url", url, "event", ev))).get("webhook");
    }

    public JsonNode createEndpoint(String url, List<String> events) {
        return send("POST", "/v4/webhook_endpoints", ApiGatewayEvents.write(Map.of("url", url, "events", events,
                "name", "by hand"))).get("webhook_endpoint");
    }

    private List<JsonNode> all(String path, String key) {
        List<JsonNode> out = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = send("GET", path + "?per_page=100" + (after == null ? "" : "&after=" + after), null);
            page.get(key).forEach(out::add);
            after = page.at("/pagination/has_next_page").asBoolean() ? page.at("/pagination/end_cursor").asText() : null;
        } while (after != null);
        return out;
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(kit.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("X-Kit-Api-Key", KitWorld.API_KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " → " + response.statusCode() + " " + response.body());
            }
            return ApiGatewayEvents.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
