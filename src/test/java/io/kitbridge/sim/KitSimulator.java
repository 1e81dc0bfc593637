package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.kitbridge.sim.SimHttp.JSON;
import static io.kitbridge.sim.SimHttp.Req;
import static io.kitbridge.sim.SimHttp.Resp;

/**
 * A faithful, stateful Kit (ConvertKit) API v4 simulator on a loopback HTTP port.
 * <pre>
 * try (KitSimulator kit = KitSimulator.start(SimConfig.defaults())) {
 *     kit.admin().seed(SeedSpec.of(1000));
 *     // point the code under test at kit.baseUrl() + "/v4/..."
 * }
 * </pre>
 */
public final class KitSimulator implements AutoCloseable {
    static final String TOKEN_INVALID = "The access token is invalid";
    static final String TOKEN_EXPIRED = "The access token expired";
    private static final int LOG_BODY_MAX = 4096;
    private static final Set<String> SECRET_PARAMS = Set.of("client_secret", "code", "code_verifier",
            "refresh_token", "access_token", "token", "api_key", "api_secret", "password");

    private final SimConfig config;
    private final ObjectMapper mapper = new ObjectMapper();
    private final SimClock clock = new SimClock();
    private final SimStore store = new SimStore();
    private final WebhookDispatcher hooks;
    private final SimEngine engine;
    private final KitApi api;
    private final OAuthServer oauth;
    private final SimAccounts accounts = new SimAccounts();
    private final RateLimiter limiter;
    private final RequestLog log = new RequestLog();
    private final FaultInjector faults;
    private final SimAdmin admin;
    private final List<Violation> violations = new ArrayList<>();
    private final AtomicInteger rateLimited429s = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService pool;
    private final String baseUrl;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private KitSimulator(SimConfig config, int port) throws IOException {
        this.config = config;
        this.hooks = new WebhookDispatcher(config, clock, mapper);
        this.engine = new SimEngine(store, clock, config, hooks);
        this.api = new KitApi(engine, mapper, accounts);
        this.oauth = new OAuthServer(config, clock, accounts);
        this.limiter = new RateLimiter(config.window());
        this.faults = new FaultInjector(config.randomSeed());
        this.admin = new SimAdmin(this);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        AtomicInteger threadNo = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kit-sim-http-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Start on a free loopback port. */
    public static KitSimulator start(SimConfig config) {
        return start(config, 0);
    }

    /** Start on the given loopback port (0 = any free port). */
    public static KitSimulator start(SimConfig config, int port) {
        try {
            return new KitSimulator(config, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kit simulator", e);
        }
    }

    /** "http://127.0.0.1:&lt;port&gt;"; API paths are /v4/..., OAuth paths /oauth/... */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimConfig config() {
        return config;
    }

    public SimAdmin admin() {
        return admin;
    }

    public RequestLog log() {
        return log;
    }

    public FaultInjector faults() {
        return faults;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        pool.shutdownNow();
        hooks.close();
    }

    // ---------------------------------------------------------------- package access for SimAdmin

    SimEngine engine() {
        return engine;
    }

    SimClock clock() {
        return clock;
    }

    OAuthServer oauth() {
        return oauth;
    }

    SimAccounts accounts() {
        return accounts;
    }

    WebhookDispatcher hooks() {
        return hooks;
    }

    RateLimiter limiter() {
        return limiter;
    }

    List<Violation> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    void clearViolations() {
        synchronized (violations) {
            violations.clear();
        }
        rateLimited429s.set(0);
    }

    int rateLimited429s() {
        return rateLimited429s.get();
    }

    // ---------------------------------------------------------------- HTTP

    /** {@code kitAccountId}: which simulated Kit account the credential belongs to (0 when refused). */
    private record Cred(String kind, String value, int limit, String error, long kitAccountId) {
    }

    private boolean knownApiKey(String key) {
        return config.apiKeys().contains(key) || accounts.isExtraApiKey(key);
    }

    private Cred identify(Headers h) {
        String key = h.getFirst("X-Kit-Api-Key");
        if (key != null) {
            key = key.trim();
            return knownApiKey(key) ? new Cred("api-key", key, config.apiKeyLimit(), null, accounts.ownerOfApiKey(key))
                    : new Cred("api-key", null, 0, TOKEN_INVALID, 0);
        }
        String auth = h.getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = auth.substring(7).trim();
            if (knownApiKey(token)) {
                return new Cred("bearer-api-key", token, config.apiKeyLimit(), null, accounts.ownerOfApiKey(token));
            }
            switch (oauth.check(token)) {
                case VALID:
                    return new Cred("oauth", token, config.oauthLimit(), null, oauth.accountOf(token));
                case EXPIRED:
                    return new Cred("oauth", null, 0, TOKEN_EXPIRED, 0);
                default:
                    return new Cred("oauth", null, 0, TOKEN_INVALID, 0);
            }
        }
        return new Cred("none", null, 0, TOKEN_INVALID, 0);
    }

    private void handle(HttpExchange ex) throws IOException {
        Instant at = clock.now();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = ex.getRequestURI();
        String path = uri.getPath() == null ? "/" : uri.getPath();
        String rawQuery = uri.getRawQuery();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        Headers h = ex.getRequestHeaders();
        String contentType = h.getFirst("Content-Type");
        String kind = "none";
        Resp resp;
        try {
            if (path.equals("/v4") || path.startsWith("/v4/")) {
                Cred c = identify(h);
                kind = c.kind();
                if (c.error() != null) {
                    resp = api.errors(401, c.error());
                } else {
                    long wait = limiter.tryAcquire(c.value(), c.limit());
                    if (wait > 0) {
                        synchronized (violations) {
                            violations.add(new Violation(Violation.fingerprint(c.value()), c.kind(), at, method,
                                    path));
                        }
                        resp = tooMany(config.dialect() == Dialect.SEED ? wait : -1);
                    } else {
                        Req req = new Req(method, path, rawQuery, body, contentType, c.kind(), mapper);
                        req.kitAccountId = c.kitAccountId();
                        Fault f = faults.take(method, path);
                        resp = f == null ? api.handle(req) : applyFault(f, () -> api.handle(req));
                        runAutomations(method, path);
                    }
                }
            } else if (path.startsWith("/oauth/")) {
                Fault f = faults.take(method, path);
                Supplier<Resp> normal = () -> oauthRoute(method, path, rawQuery, body, contentType, h);
                resp = f == null ? normal.get() : applyFault(f, normal);
            } else {
                resp = api.notFound();
            }
        } catch (RuntimeException e) {
            System.err.println("[kit-sim] internal error on " + method + " " + path + ": " + e);
            e.printStackTrace();
            resp = api.errors(500, "Internal simulator error");
        }
        log.add(at, method, path, redactQuery(rawQuery), kind, resp.reset ? -1 : resp.status,
                logBody(path, body, contentType));
        write(ex, method, resp);
    }

    /** Something in Kit reacting to a request (an automation, another integration), after it was answered. */
    private record Automation(String method, java.util.regex.Pattern path, java.util.concurrent.atomic.AtomicInteger left,
            Runnable action) {
    }

    private final List<Automation> automations = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * After the next {@code times} /v4 requests matching {@code method} and {@code pathRegex} have been answered, runs
     * {@code action} (e.g. a Kit automation re-adding a tag): a deterministic interleaving for tests.
     */
    public void afterRequests(String method, String pathRegex, int times, Runnable action) {
        automations.add(new Automation(method, java.util.regex.Pattern.compile(pathRegex),
                new java.util.concurrent.atomic.AtomicInteger(times), action));
    }

    private void runAutomations(String method, String path) {
        for (Automation a : automations) {
            if (a.method().equals(method) && a.path().matcher(path).matches() && a.left().getAndDecrement() > 0) {
                a.action().run();
            }
        }
        automations.removeIf(a -> a.left().get() <= 0);
    }

    private Resp tooMany(long retryAfterSeconds) {
        rateLimited429s.incrementAndGet();
        Resp r = Resp.text(429, "text/plain; charset=utf-8", "Retry later");
        if (retryAfterSeconds > 0) {
            r.header("Retry-After", Long.toString(retryAfterSeconds));
        }
        return r;
    }

    private Resp applyFault(Fault f, Supplier<Resp> normal) {
        if (f.latencyMillis() > 0) {
            try {
                Thread.sleep(f.latencyMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        switch (f.kind()) {
            case LATENCY:
                return normal.get();
            case STATUS: {
                int st = f.status() >= 100 ? f.status() : 500;
                return api.errors(st, "Simulated error " + st);
            }
            case HTML_ERROR: {
                int st = f.status() >= 400 ? f.status() : 502;
                return Resp.text(st, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><head><title>" + st
                        + " Bad Gateway</title></head><body><h1>" + st + " Bad Gateway</h1><p>The server returned an "
                        + "invalid or incomplete response.</p></body></html>\n");
            }
            case RESET: {
                Resp r = new Resp(200, JSON, new byte[0]);
                r.reset = true;
                return r;
            }
            case EMPTY_200:
                return new Resp(200, JSON, new byte[0]);
            case MALFORMED_JSON:
                return Resp.text(200, JSON, "{\"subscribers\":[{");
            case RATE_LIMIT:
                return tooMany(f.status() > 0 ? f.status() : config.dialect() == Dialect.SEED ? 1 : -1);
            default:
                throw new IllegalStateException("unknown fault " + f.kind());
        }
    }

    private void write(HttpExchange ex, String method, Resp r) throws IOException {
        Headers out = ex.getResponseHeaders();
        if (r.contentType != null) {
            out.set("Content-Type", r.contentType);
        }
        r.headers.forEach(out::set);
        if (r.reset) {
            // headers and a fragment of a promised body, then the connection is torn down: the client has already
            // received bytes (so it will not silently retry) and then hits EOF -> IOException
            ex.sendResponseHeaders(200, 4096);
            OutputStream os = ex.getResponseBody();
            os.write("{\"subscribers\":[{\"id\":1".getBytes(StandardCharsets.UTF_8));
            os.flush();
            throw new IOException("kit-sim: injected connection reset");
        }
        if (r.body.length == 0 || method.equals("HEAD")) {
            ex.sendResponseHeaders(r.status, -1);
        } else {
            ex.sendResponseHeaders(r.status, r.body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(r.body);
            }
        }
        ex.close();
    }

    // ---------------------------------------------------------------- OAuth routes

    private Map<String, String> oauthParams(String rawQuery, byte[] body, String contentType, Headers h) {
        Map<String, String> p = new LinkedHashMap<>(SimHttp.parseForm(rawQuery));
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.isEmpty()) {
            if ((contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) || text.startsWith("{")) {
                try {
                    JsonNode n = mapper.readTree(text);
                    if (n != null && n.isObject()) {
                        for (Map.Entry<String, JsonNode> e : n.properties()) {
                            if (!e.getValue().isNull()) {
                                p.put(e.getKey(), e.getValue().asText());
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new OAuthServer.OAuthError(400, "invalid_request", "The request body is not valid JSON.");
                }
            } else {
                p.putAll(SimHttp.parseForm(text));
            }
        }
        String auth = h.getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String dec = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int i = dec.indexOf(':');
                if (i > 0) {
                    p.putIfAbsent("client_id", java.net.URLDecoder.decode(dec.substring(0, i), StandardCharsets.UTF_8));
                    p.putIfAbsent("client_secret",
                            java.net.URLDecoder.decode(dec.substring(i + 1), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException ignored) {
                // not valid basic auth; ignore
            }
        }
        return p;
    }

    private Resp oauthRoute(String method, String path, String rawQuery, byte[] body, String contentType, Headers h) {
        try {
            if (path.equals("/oauth/authorize") && method.equals("GET")) {
                return Resp.empty(302).header("Location", oauth.authorize(SimHttp.parseForm(rawQuery), session(h)));
            }
            if (path.equals("/oauth/token") && method.equals("POST")) {
                ObjectNode tok = oauth.token(oauthParams(rawQuery, body, contentType, h));
                return api.json(200, tok).header("Cache-Control", "no-store").header("Pragma", "no-cache");
            }
            if (path.equals("/oauth/revoke") && method.equals("POST")) {
                String token = oauthParams(rawQuery, body, contentType, h).get("token");
                if (token != null) {
                    oauth.revoke(token);
                }
                return api.json(200, mapper.createObjectNode());
            }
            return api.notFound();
        } catch (OAuthServer.OAuthError e) {
            return api.json(e.status, e.body());
        }
    }

    /**
     * Who is signed in to Kit in the browser that approves the consent screen: the {@value SimAccounts#SESSION_COOKIE}
     * cookie names a simulated account; without it, the primary account (the usual case in tests).
     */
    private long session(Headers h) {
        String cookies = h.getFirst("Cookie");
        if (cookies != null) {
            for (String c : cookies.split(";")) {
                String[] kv = c.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals(SimAccounts.SESSION_COOKIE)) {
                    try {
                        long id = Long.parseLong(kv[1].trim());
                        if (accounts.exists(id)) {
                            return id;
                        }
                    } catch (NumberFormatException ignored) {
                        // falls through to "not signed in"
                    }
                    throw new OAuthServer.OAuthError(401, "access_denied", "Sign in to Kit to approve this application.");
                }
            }
        }
        return accounts.primary().id();
    }

    // ---------------------------------------------------------------- log redaction

    static String redactQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        StringBuilder sb = new StringBuilder();
        for (String pair : rawQuery.split("&")) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int i = pair.indexOf('=');
            String k = i < 0 ? pair : pair.substring(0, i);
            String decodedKey;
            try {
                decodedKey = java.net.URLDecoder.decode(k, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decodedKey = k;
            }
            sb.append(i >= 0 && SECRET_PARAMS.contains(decodedKey.toLowerCase(Locale.ROOT))
                    ? k + "=[REDACTED]" : pair);
        }
        return sb.toString();
    }

    private String logBody(String path, byte[] body, String contentType) {
        if (body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (path.startsWith("/oauth/")) {
            String t = text.trim();
            if (t.startsWith("{")) {
                try {
                    JsonNode n = mapper.readTree(t);
                    if (n != null && n.isObject()) {
                        for (String k : SECRET_PARAMS) {
                            if (n.has(k)) {
                                ((ObjectNode) n).put(k, "[REDACTED]");
                            }
                        }
                        text = mapper.writeValueAsString(n);
                    }
                } catch (IOException e) {
                    text = "[unparseable body redacted]";
                }
            } else {
                text = redactQuery(t);
            }
        }
        return text.length() > LOG_BODY_MAX ? text.substring(0, LOG_BODY_MAX) : text;
    }
}
