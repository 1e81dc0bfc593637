package io.kitbridge.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.PublicApiConfig;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The operator's side of oauth, reached only by a direct Lambda invoke (IAM decides who may): mint connect links,
 * list connections, disconnect. API Gateway cannot produce these events: its payloads never carry a top-level
 * "action".
 */
@ApplicationScoped
public class OAuthOperator {
    private static final Logger LOG = Logger.getLogger(OAuthOperator.class);
    static final Set<String> ACTIONS = Set.of("connect-link", "connections", "disconnect");

    @Inject ConnectLinks links;

    @Inject ConnectionStore connections;

    @Inject CredentialResolver credentials;

    @Inject TokenEndpoint tokens;

    @Inject OAuthConfig config;

    @Inject PublicApiConfig publicApi;

    @Inject ConnectionAudit audit;

    /** A direct invoke: a JSON object with "action" and none of an API Gateway event's envelope. */
    static boolean isOperatorCommand(JsonNode input) {
        return input != null && input.isObject() && input.has("action") && !input.has("requestContext")
                && !input.has("routeKey") && !input.has("rawPath");
    }

    public Object handle(JsonNode input) {
        String action = JsonInput.string(input, "action", "").orElse("");
        return switch (action) {
            case "connect-link" -> connectLink(input);
            case "connections" -> new OperatorResults.Connections(list());
            case "disconnect" -> disconnect(input);
            default -> throw new InvalidInputException("action", "must be one of " + new java.util.TreeSet<>(ACTIONS));
        };
    }

    OperatorResults.Link connectLink(JsonNode input) {
        String account = requiredAccount(input);
        boolean replace = flag(input, "replace");
        boolean allowDifferent = flag(input, "allowDifferentKitAccount");
        if (CredentialResolver.DEFAULT_ACCOUNT.equals(account) && credentials.hasConfiguredApiKey()) {
            throw new InvalidInputException("account", "'default' uses the configured API key (KITBRIDGE_KIT_API_KEY"
                    + " or its secret ARN); connect the OAuth account under another name");
        }
        tokens.clientId(); // OAuthNotConfigured now rather than after the browser round trip
        String base = baseUrl();
        ConnectLinks.Minted minted = links.mint(account, replace, allowDifferent);
        audit.record(account, "oauth.link", "issued", Map.of("linkId", minted.link().linkId(),
                "replace", Boolean.toString(replace), "allowDifferentKitAccount", Boolean.toString(allowDifferent),
                "expiresAt", minted.expiresAt().toString()), null);
        LOG.infof("connect link %s issued for account %s (replace=%s, allowDifferentKitAccount=%s)",
                minted.link().linkId(), account, replace, allowDifferent);
        String url = base + OAuthService.START + "?account=" + enc(account) + "&link=" + enc(minted.value());
        return new OperatorResults.Link(account, url, minted.expiresAt().toString(), replace, allowDifferent);
    }

    List<ConnectionView> list() {
        List<ConnectionView> out = new ArrayList<>();
        boolean defaultInTable = false;
        for (ConnectionStore.State s : connections.list()) {
            defaultInTable |= CredentialResolver.DEFAULT_ACCOUNT.equals(s.account());
            out.add(new ConnectionView(s.account(), s.kind(), s.kitAccountId(), blankToNull(s.kitAccountName()),
                    s.connectedAt() > 0 ? Instant.ofEpochSecond(s.connectedAt()).toString() : null,
                    s.isBroken() ? "broken" : "ok", s.isBroken() ? s.statusReason() : null,
                    s.accessExpiresAt() > 0 && Connection.KIND_OAUTH.equals(s.kind())
                            ? Instant.ofEpochSecond(s.accessExpiresAt()).toString() : null,
                    "table"));
        }
        if (!defaultInTable && credentials.hasConfiguredApiKey()) {
            out.add(0, new ConnectionView(CredentialResolver.DEFAULT_ACCOUNT, Connection.KIND_API_KEY, null, null, null,
                    "ok", null, null, "configuration"));
        }
        return out;
    }

    OperatorResults.Disconnected disconnect(JsonNode input) {
        String account = requiredAccount(input);
        boolean removed = connections.disconnect(account);
        credentials.invalidate(account);
        audit.record(account, "oauth.disconnect", removed ? "disconnected" : "not-connected", Map.of(), null);
        LOG.infof("account %s %s by the operator", account, removed ? "disconnected" : "was not connected; nothing removed");
        return new OperatorResults.Disconnected(account, removed);
    }

    /** kitbridge.public-api.base-url (or the older kitbridge.webhook.base-url), else the redirect URI's origin. */
    String baseUrl() {
        String base = publicApi.baseUrl().filter(u -> !u.isBlank())
                .or(() -> config.redirectUri().filter(u -> u.endsWith(OAuthService.CALLBACK))
                        .map(u -> u.substring(0, u.length() - OAuthService.CALLBACK.length())))
                .orElseThrow(() -> new KitbridgeException("OAuthNotConfigured", "set kitbridge.public-api.base-url "
                        + "(KITBRIDGE_PUBLIC_API_BASE_URL) or kitbridge.oauth.redirect-uri to build connect links"));
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String requiredAccount(JsonNode input) {
        String raw = JsonInput.string(input, "account", "").filter(a -> !a.isBlank())
                .orElseThrow(() -> new InvalidInputException("account", "is required"));
        return CredentialResolver.validateAccount(raw);
    }

    private static boolean flag(JsonNode input, String name) {
        return JsonInput.bool(input, name, "", false);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
