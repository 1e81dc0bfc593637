package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Minimal java.net.http client for the simulator's own tests. */
final class SimTestClient {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    private final String base;
    private final String headerName;
    private final String headerValue;

    private SimTestClient(String base, String headerName, String headerValue) {
        this.base = base;
        this.headerName = headerName;
        this.headerValue = headerValue;
    }

    static SimTestClient apiKey(KitSimulator sim, String key) {
        return new SimTestClient(sim.baseUrl(), "X-Kit-Api-Key", key);
    }

    static SimTestClient bearer(KitSimulator sim, String token) {
        return new SimTestClient(sim.baseUrl(), "Authorization", "Bearer " + token);
    }

    static SimTestClient anonymous(KitSimulator sim) {
        return new SimTestClient(sim.baseUrl(), null, null);
    }

    record Res(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (headerName != null) {
            b.header(headerName, headerValue);
        }
        return b;
    }

    Res send(HttpRequest req) {
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Res get(String path) {
        return send(builder(path).GET().build());
    }

    Res post(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Res put(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Res delete(String path) {
        return send(builder(path).DELETE().build());
    }

    Res delete(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static String json(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
