package io.kitbridge.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.Secrets;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitException;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The scim function: API Gateway HTTP API events for {@code /scim/v2/{account}/...} become SCIM answers (authenticated
 * by the account's bearer token before anything else is read); a direct invoke with {@code "action"} is the operator
 * minting or revoking tokens. Every HTTP outcome is a SCIM response — malformed input is a 4xx, never a 5xx or a
 * stack trace; an exhausted Kit budget or guard is a 429 and an unavailable dependency a 503, both with Retry-After.
 */
@ApplicationScoped
public class ScimService {
    private static final Logger LOG = Logger.getLogger(ScimService.class);
    private static final String PREFIX = "/scim/v2/";
    static final String AUDIT_SUBJECT = "@scim";

    @Inject ScimTokens tokens;

    @Inject ScimUsers users;

    @Inject ScimGroups groups;

    @Inject ScimConfig config;

    @Inject CredentialResolver credentials;

    @Inject Clock clock;

    @Inject MirrorStore mirror;

    /** HTTP event in, HTTP response out; or an operator action in, its result out. */
    public JsonNode handle(JsonNode input) {
        if (input != null && input.isObject() && (input.has("requestContext") || input.has("routeKey") || input.has("rawPath"))) {
            HttpApiEvent event;
            try {
                event = ScimJson.JSON.treeToValue(input, HttpApiEvent.class);
            } catch (JsonProcessingException | IllegalArgumentException malformed) {
                return ScimJson.JSON.valueToTree(ScimJson.error(ScimError.badRequest("invalidSyntax", "malformed event")));
            }
            return ScimJson.JSON.valueToTree(http(event));
        }
        return operator(input);
    }

    // ---------------------------------------------------------------- operator (direct invoke)

    JsonNode operator(JsonNode input) {
        JsonNode root = JsonInput.object(input, "input");
        String action = JsonInput.string(root, "action", "").orElseThrow(() -> new InvalidInputException("action",
                "is required: \"token\" or \"revoke-tokens\" (HTTP requests come through API Gateway)"));
        String account = CredentialResolver.validateAccount(JsonInput.string(root, "account", "").orElse(null));
        switch (action) {
            case "token" -> {
                credentials.resolve(account); // a token for an account that cannot reach Kit would only produce 503s
                ScimTokens.Minted minted = tokens.mint(account);
                Secrets.register(minted.token());
                audit(account, "scim.token", "minted", java.util.Map.of("createdAt", minted.createdAt(),
                        "previousValidFor", config.tokenOverlap().toString()));
                LOG.infof("SCIM token minted for account %s (the previous one stays valid for %s)", account,
                        config.tokenOverlap());
                return ScimJson.JSON.valueToTree(minted);
            }
            case "revoke-tokens" -> {
                tokens.revoke(account);
                audit(account, "scim.revoke-tokens", "revoked", java.util.Map.of());
                LOG.infof("SCIM tokens of account %s revoked", account);
                ObjectNode out = ScimJson.object();
                out.put("account", account);
                out.put("revoked", true);
                return out;
            }
            default -> throw new InvalidInputException("action", "must be \"token\" or \"revoke-tokens\", not '" + action + "'");
        }
    }

    /** Token changes sit beside the people's audit entries under {@value #AUDIT_SUBJECT}; never with a token. */
    private void audit(String account, String action, String outcome, java.util.Map<String, String> after) {
        mirror.audit(account, new AuditEntry(null, action, AUDIT_SUBJECT, null, outcome, "operator", null, after, null));
    }

    // ---------------------------------------------------------------- HTTP

    HttpApiResponse http(HttpApiEvent event) {
        String method = event.method();
        String path = path(event);
        String account = null;
        try {
            int at = path.indexOf(PREFIX);
            if (at < 0) {
                throw ScimError.notFound("not a SCIM path; use " + PREFIX + "<account>/Users");
            }
            String[] segments = path.substring(at + PREFIX.length()).replaceAll("/+$", "").split("/");
            account = validAccount(decode(segments[0]));
            authenticate(event, account);
            if (segments.length < 2 || segments.length > 3) {
                throw ScimError.notFound("no such SCIM endpoint");
            }
            String resource = decode(segments[1]);
            String id = segments.length == 3 ? decode(segments[2]) : null;
            ScimRequest req = new ScimRequest(account, method, resource, id, event.queryStringParameters(), body(event),
                    baseUrl(event, path.substring(0, at), account));
            HttpApiResponse response = route(req);
            LOG.infof("SCIM %s %s for account %s: %d", method, resource + (id == null ? "" : "/" + id), account,
                    response.statusCode());
            return response;
        } catch (ScimError e) {
            if (e.status() >= 500 || e.status() == 429) {
                LOG.warnf("SCIM %s %s for account %s: %d %s", method, path, account, e.status(), e.getMessage());
            } else {
                LOG.infof("SCIM %s %s for account %s: %d %s", method, path, account, e.status(), e.scimType());
            }
            return ScimJson.error(e);
        } catch (RuntimeException e) {
            ScimError mapped = map(e);
            LOG.warnf("SCIM %s %s for account %s: %d (%s)", method, path, account, mapped.status(),
                    Secrets.redact(String.valueOf(e)));
            return ScimJson.error(mapped);
        }
    }

    private HttpApiResponse route(ScimRequest req) {
        String m = req.method();
        String id = req.id();
        switch (req.resource()) {
            case "Users" -> {
                if (id == null) {
                    return switch (m) {
                        case "GET" -> users.search(req);
                        case "POST" -> users.create(req);
                        default -> throw notAllowed(m, "GET, POST");
                    };
                }
                return switch (m) {
                    case "GET" -> users.get(req, id);
                    case "PUT" -> users.replace(req, id);
                    case "PATCH" -> users.patch(req, id);
                    case "DELETE" -> users.delete(req, id);
                    default -> throw notAllowed(m, "GET, PUT, PATCH, DELETE");
                };
            }
            case "Groups" -> {
                if (id == null) {
                    return switch (m) {
                        case "GET" -> groups.search(req);
                        case "POST" -> groups.create(req);
                        default -> throw notAllowed(m, "GET, POST");
                    };
                }
                return switch (m) {
                    case "GET" -> groups.get(req, id);
                    case "PUT" -> groups.replace(req, id);
                    case "PATCH" -> groups.patch(req, id);
                    case "DELETE" -> groups.delete(req, id);
                    default -> throw notAllowed(m, "GET, PUT, PATCH, DELETE");
                };
            }
            case "ServiceProviderConfig" -> {
                requireGet(m, id);
                return ScimDiscovery.serviceProviderConfig(req, config.maxResults());
            }
            case "ResourceTypes" -> {
                requireGet(m, null);
                return ScimDiscovery.resourceTypes(req, id);
            }
            case "Schemas" -> {
                requireGet(m, null);
                return ScimDiscovery.schemas(req, id);
            }
            default -> throw ScimError.notFound("no SCIM endpoint " + req.resource() + " (served: Users, Groups,"
                    + " ServiceProviderConfig, ResourceTypes, Schemas; bulk and .search are not supported)");
        }
    }

    private static void requireGet(String method, String id) {
        if (!"GET".equals(method)) {
            throw notAllowed(method, "GET");
        }
        if (id != null) {
            throw ScimError.notFound("no such SCIM endpoint");
        }
    }

    private static ScimError notAllowed(String method, String allowed) {
        return new ScimError(405, null, "method " + method + " is not allowed here (allowed: " + allowed + ")");
    }

    /** Bearer token of the account, checked before the request is looked at; failures say nothing about the account. */
    private void authenticate(HttpApiEvent event, String account) {
        String header = event.header("authorization").orElse("").trim();
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (account == null || token == null || !tokens.accepts(account, token)) {
            throw new ScimError(401, null, "a valid bearer token is required");
        }
    }

    private static String validAccount(String raw) {
        try {
            return raw == null || raw.isBlank() ? null : CredentialResolver.validateAccount(raw);
        } catch (InvalidInputException e) {
            return null;
        }
    }

    private JsonNode body(HttpApiEvent event) {
        String encoded = event.body();
        if (encoded == null || encoded.isEmpty()) {
            return null;
        }
        long lowerBound = event.isBase64Encoded() ? (encoded.length() / 4L) * 3 - 2 : encoded.length();
        if (lowerBound > config.maxBodyBytes()) {
            throw new ScimError(413, null, "request body larger than " + config.maxBodyBytes() + " bytes");
        }
        String contentType = event.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (!contentType.isEmpty() && !contentType.contains("json")) {
            throw new ScimError(415, "invalidSyntax", "send application/scim+json (or application/json), not " + contentType);
        }
        byte[] raw;
        try {
            raw = event.rawBody();
        } catch (IllegalArgumentException badBase64) {
            throw ScimError.badRequest("invalidSyntax", "the body is not valid base64");
        }
        if (raw.length > config.maxBodyBytes()) {
            throw new ScimError(413, null, "request body larger than " + config.maxBodyBytes() + " bytes");
        }
        if (new String(raw, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return ScimJson.JSON.readTree(raw);
        } catch (java.io.IOException malformed) {
            throw ScimError.badRequest("invalidSyntax", "the body is not valid JSON");
        }
    }

    private String baseUrl(HttpApiEvent event, String stagePrefix, String account) {
        String origin = config.baseUrl().filter(u -> !u.isBlank()).map(u -> u.replaceAll("/+$", "")).orElseGet(() -> {
            String proto = event.header("x-forwarded-proto").orElse("https");
            String host = event.header("host").orElseGet(() -> event.requestContext() == null ? "localhost"
                    : String.valueOf(event.requestContext().getOrDefault("domainName", "localhost")));
            return proto + "://" + host + stagePrefix;
        });
        return origin + PREFIX + account;
    }

    /** rawPath (which may carry a stage prefix), else the route key's path. */
    private static String path(HttpApiEvent event) {
        if (event.rawPath() != null && !event.rawPath().isBlank()) {
            return event.rawPath();
        }
        String routeKey = event.routeKey() == null ? "" : event.routeKey();
        return routeKey.contains(" ") ? routeKey.substring(routeKey.indexOf(' ') + 1) : routeKey;
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException bad) {
            throw ScimError.notFound("malformed path");
        }
    }

    // ---------------------------------------------------------------- errors

    /** kitbridge's typed failures as SCIM errors: the IdP retries 429/503 after Retry-After, and fixes its 4xx. */
    ScimError map(RuntimeException e) {
        if (e instanceof SdkException) {
            return new ScimError(503, null, "storage is temporarily unavailable; retry", config.retryAfter());
        }
        if (e instanceof BudgetExhaustedException budget) {
            return new ScimError(429, null, "Kit's rate budget for this account is in use; retry after the indicated time",
                    budget.waitHint().isZero() ? Duration.ofSeconds(1) : budget.waitHint());
        }
        if (e instanceof KitException kit) {
            return switch (kit.kind()) {
                case RATE_LIMITED -> new ScimError(429, null, "Kit is rate limiting this account; retry after the"
                        + " indicated time", kit.retryAfter().orElse(config.retryAfter()));
                case SERVER_ERROR, TRANSPORT, CIRCUIT_OPEN -> new ScimError(503, null, "Kit is unavailable; retry",
                        kit.retryAfter().orElse(config.retryAfter()));
                case NOT_FOUND -> ScimError.notFound("Kit no longer has this resource");
                case UNPROCESSABLE, BAD_REQUEST, PAYLOAD_TOO_LARGE -> ScimError.badRequest("invalidValue",
                        "Kit refused the change: " + String.join("; ", kit.kitMessages()));
                case FORBIDDEN -> new ScimError(403, null, "Kit does not allow this for the account's credential");
                case TOKEN_EXPIRED, UNAUTHORIZED -> disconnected();
                case PROTOCOL -> new ScimError(502, null, "Kit answered something unexpected; retry later");
            };
        }
        if (e instanceof InvalidInputException invalid) {
            if ("account".equals(invalid.field())) {
                return new ScimError(503, null, "this account has no working Kit connection; an operator must connect it",
                        config.retryAfter());
            }
            return ScimError.badRequest("invalidValue", e.getMessage());
        }
        if (e instanceof KitbridgeException k) {
            return switch (k.errorType()) {
                case "StoreUnavailable" -> new ScimError(503, null, "storage is temporarily unavailable; retry",
                        config.retryAfter());
                case "DeprovisionLimitExceeded" -> new ScimError(429, null, "too many deactivations for this account in"
                        + " the last hour (kitbridge.deprovision.max-per-hour): unsubscribing cannot be undone, so it is"
                        + " paused; retry later", untilNextHour());
                case "AccountDisconnected", "AccountTokenExpired" -> disconnected();
                case "DeprovisionUnconfirmed" -> new ScimError(503, null, k.getMessage(), config.retryAfter());
                case "UnknownCustomFields", "UnknownTags", "KitRejected" -> ScimError.badRequest("invalidValue", k.getMessage());
                default -> internal(e);
            };
        }
        return internal(e);
    }

    private ScimError disconnected() {
        return new ScimError(503, null, "the Kit account lost its authorisation; an operator must reconnect it",
                config.retryAfter());
    }

    private Duration untilNextHour() {
        long now = clock.instant().getEpochSecond();
        return Duration.ofSeconds(Math.max(60, 3600 - now % 3600));
    }

    private static ScimError internal(RuntimeException e) {
        LOG.errorf("SCIM request failed unexpectedly: %s", Secrets.redact(String.valueOf(e)));
        return new ScimError(500, null, "internal error; the request may be retried");
    }
}
