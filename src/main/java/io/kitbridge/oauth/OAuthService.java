package io.kitbridge.oauth;

import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.Secrets;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitAccount;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.TokenResponse;
import io.kitbridge.store.Connection;
import io.kitbridge.store.ConnectionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Connects a Kit account by OAuth (authorization code + PKCE S256): /oauth/start spends an operator's connect link
 * and sends the browser to Kit with a fresh single-use state; /oauth/callback checks it, exchanges the code, asks
 * Kit which account approved (GET /v4/account) and stores the connection only as the link allows. Always answers
 * a page, never an exception: API Gateway would turn one into a bare 500.
 */
@ApplicationScoped
public class OAuthService {
    private static final Logger LOG = Logger.getLogger(OAuthService.class);
    static final String START = "/oauth/start";
    static final String CALLBACK = "/oauth/callback";
    private static final String NOT_CONNECTED = "Not connected";
    private static final Duration IDENTITY_WAIT = Duration.ofSeconds(10);

    @Inject OAuthConfig config;

    @Inject OAuthStates states;

    @Inject TokenEndpoint tokens;

    @Inject ConnectionStore connections;

    @Inject CredentialResolver credentials;

    @Inject ConnectionAudit audit;

    @Inject ConnectLinks links;

    @Inject KitGateway gateway;

    @Inject Clock clock;

    public HttpApiResponse handle(HttpApiEvent event) {
        if (event == null) {
            return OAuthPages.page(400, "Bad request", "No HTTP request arrived.");
        }
        String path = path(event);
        try {
            String method = event.method();
            if (!method.isEmpty() && !"GET".equals(method)) {
                return OAuthPages.page(405, "Method not allowed", "Use GET " + START + " or GET " + CALLBACK + ".");
            }
            if (path.endsWith(START)) {
                return start(event);
            }
            if (path.endsWith(CALLBACK)) {
                return callback(event);
            }
            return OAuthPages.page(404, "Not found", "This function serves GET " + START + "?account=<name>&link=<link> and GET "
                    + CALLBACK + ".");
        } catch (KitbridgeException e) {
            LOG.infof("oauth %s refused: %s", path, e);
            return OAuthPages.page(status(e), NOT_CONNECTED, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf("oauth %s failed: %s", path, Secrets.redact(String.valueOf(e)));
            return OAuthPages.page(500, NOT_CONNECTED, "Something went wrong on our side; please start again later.");
        }
    }

    private HttpApiResponse start(HttpApiEvent event) {
        String account = CredentialResolver.validateAccount(event.query("account").filter(a -> !a.isBlank())
                .orElseThrow(() -> new InvalidInputException("account", "is required: " + START + "?account=<name>&link=<link>")));
        // the link is the only thing that lets a browser start a connection; its value is never echoed or logged
        Optional<ConnectLink> link = event.query("link").filter(l -> !l.isBlank()).flatMap(l -> links.spend(l, account));
        if (link.isEmpty()) {
            LOG.infof("OAuth start for account %s refused: no valid connect link", account);
            return OAuthPages.page(403, NOT_CONNECTED, "Connecting an account needs a connect link from the operator "
                    + "(a direct invoke of the oauth function with {\"action\": \"connect-link\"}); this one is missing, "
                    + "unknown, expired, already used or issued for another account.");
        }
        String clientId = tokens.clientId();
        String redirectUri = config.redirectUri().filter(u -> !u.isBlank()).orElseThrow(() -> new KitbridgeException(
                "OAuthNotConfigured", "kitbridge.oauth.redirect-uri (KITBRIDGE_OAUTH_REDIRECT_URI) is not set"));
        String state = Pkce.newState();
        String verifier = Pkce.newVerifier();
        states.save(state, new PendingConnection(link.get(), verifier, redirectUri));
        String authorize = config.authorizeUrl();
        String location = authorize + (authorize.contains("?") ? "&" : "?")
                + "response_type=code"
                + "&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(redirectUri)
                + "&scope=" + enc(String.join(" ", OAuthTokenRefresher.scopes(config.scopes())))
                + "&state=" + enc(state)
                + "&code_challenge=" + enc(Pkce.challenge(verifier))
                + "&code_challenge_method=S256";
        LOG.infof("OAuth connection of account %s started with connect link %s", account, link.get().linkId());
        return HttpApiResponse.redirect(location);
    }

    private HttpApiResponse callback(HttpApiEvent event) {
        Optional<String> state = event.query("state").filter(s -> !s.isBlank());
        Optional<String> error = event.query("error").filter(s -> !s.isBlank());
        if (error.isPresent()) {
            state.ifPresent(states::consume); // the attempt is over either way
            String description = event.query("error_description").map(d -> " (" + d + ")").orElse("");
            return OAuthPages.page(400, NOT_CONNECTED, "Kit did not authorise the connection: " + error.get() + description
                    + ". Ask the operator for a new connect link.");
        }
        Optional<String> code = event.query("code").filter(c -> !c.isBlank());
        if (code.isEmpty()) {
            return OAuthPages.page(400, NOT_CONNECTED, "The callback carries no authorisation code (query parameter "
                    + "'code'). Ask the operator for a new connect link.");
        }
        if (state.isEmpty()) {
            return OAuthPages.page(400, NOT_CONNECTED, "The callback carries no state (query parameter 'state'). "
                    + "Ask the operator for a new connect link.");
        }
        Optional<PendingConnection> pending = states.consume(state.get());
        if (pending.isEmpty()) {
            LOG.info("OAuth callback with an unknown, expired or already used state refused");
            return OAuthPages.page(400, NOT_CONNECTED, "This authorisation is unknown, has expired (after "
                    + config.stateTtl().toMinutes() + " minutes) or was already used. Ask the operator for a new "
                    + "connect link.");
        }
        return connect(pending.get(), code.get());
    }

    private HttpApiResponse connect(PendingConnection pending, String code) {
        String account = pending.account();
        ConnectLink link = pending.link();
        TokenResponse t;
        try {
            t = tokens.exchangeCode(account, code, pending.redirectUri(), pending.verifier());
        } catch (KitException e) {
            if (TokenEndpoint.isInvalidGrant(e)) {
                LOG.infof("Kit refused the authorisation code for account %s", account);
                audit.record(account, "oauth.connect", "refused:code-rejected", outcomeDetails(link, null, Map.of()), null);
                return OAuthPages.page(400, NOT_CONNECTED, "Kit refused the authorisation code for account '" + account
                        + "' (codes are single use and short-lived). Ask the operator for a new connect link.");
            }
            throw e;
        }
        if (t.refreshToken() == null || t.refreshToken().isBlank()) {
            throw new KitbridgeException("KitProtocolError", "Kit issued no refresh token for account '" + account + "'");
        }
        KitAccount.Account kit;
        try {
            kit = whoApproved(account, t.accessToken());
        } catch (KitbridgeException e) {
            // without knowing which Kit account approved, nothing is stored: the new tokens are dropped
            audit.record(account, "oauth.connect", "failed:identity-unknown", outcomeDetails(link, null, Map.of()),
                    e.errorType());
            throw e;
        }
        Optional<ConnectionStore.State> existing = connections.state(account);
        Long expectedVersion = null;
        if (existing.isPresent()) {
            ConnectionStore.State stored = existing.get();
            if (!link.replace()) {
                return refused(link, kit, "already-connected", "Account '" + account + "' is already connected ("
                        + describe(stored) + "). Nothing was changed; to replace it, ask the operator for a connect link "
                        + "with replace: true.");
            }
            Long recorded = stored.kitAccountId() != null ? stored.kitAccountId() : apiKeyKitAccount(stored);
            boolean sameKitAccount = recorded != null && recorded.equals(kit.id());
            if (!sameKitAccount && !link.allowDifferentKitAccount()) {
                return refused(link, kit, "different-kit-account", "Account '" + account + "' is connected to "
                        + describe(stored) + ", but Kit account " + kit.id() + " (" + kit.name() + ") approved this "
                        + "connection. Nothing was changed; replacing it with another Kit account needs a connect link "
                        + "with allowDifferentKitAccount: true.");
            }
            expectedVersion = stored.version();
        }
        long expiresAt = t.expiresIn() == null ? 0 : clock.instant().getEpochSecond() + t.expiresIn();
        List<String> scopes = OAuthTokenRefresher.scopes(t.scope() == null ? config.scopes() : t.scope());
        if (!connections.connectOauth(account, t.accessToken(), t.refreshToken(), expiresAt, scopes, kit.id(), kit.name(),
                expectedVersion)) {
            return refused(link, kit, "changed-meanwhile", "The connection of account '" + account + "' changed while "
                    + "this one was being approved. Nothing was replaced; ask the operator for a new connect link.");
        }
        credentials.invalidate(account);
        String outcome = existing.isPresent() ? "replaced" : "connected";
        audit.record(account, "oauth.connect", outcome, outcomeDetails(link, kit, Map.of("scopes", String.join(" ", scopes),
                "expiresAt", Long.toString(expiresAt))), null);
        LOG.infof("account %s %s by OAuth to Kit account %d (link %s, scopes %s)", account, outcome, kit.id(),
                link.linkId(), scopes);
        return OAuthPages.page(200, "Connected", "Kit account '" + account + "' is connected to kitbridge (Kit account "
                + kit.name() + ", scopes: " + String.join(" ", scopes) + "). You can close this window.");
    }

    /** GET /v4/account with the new token: Kit's documented way to learn which account approved (deltas doc). */
    private KitAccount.Account whoApproved(String account, String accessToken) {
        KitAccount who = gateway.callWithAccessToken(KitCall.interactive(account, "get-account", true, IDENTITY_WAIT),
                accessToken, api -> api.account(accessToken));
        if (who == null || who.account() == null || who.account().id() == null) {
            throw new KitbridgeException("KitProtocolError", "Kit's GET /v4/account named no account id");
        }
        return who.account();
    }

    /**
     * An API-key connection records no Kit account: ask Kit with the key itself (its budget). Null when that is
     * not possible (a broken or unreadable connection): then only a link allowing another Kit account replaces it.
     */
    private Long apiKeyKitAccount(ConnectionStore.State stored) {
        if (!Connection.KIND_API_KEY.equals(stored.kind()) || stored.isBroken()) {
            return null;
        }
        try {
            KitAccount who = gateway.call(KitCall.interactive(stored.account(), "get-account", true, IDENTITY_WAIT),
                    api -> api.accountOf(stored.account()));
            return who == null || who.account() == null ? null : who.account().id();
        } catch (KitbridgeException e) {
            LOG.infof("could not ask Kit which account the API key of %s reaches: %s", stored.account(), e.errorType());
            return null;
        }
    }

    /** 409: the stored connection stays exactly as it was; the new tokens are dropped (never stored). */
    private HttpApiResponse refused(ConnectLink link, KitAccount.Account kit, String outcome, String message) {
        audit.record(link.account(), "oauth.connect", "refused:" + outcome, outcomeDetails(link, kit, Map.of()), null);
        LOG.infof("OAuth connection of account %s refused (%s) for Kit account %d, link %s", link.account(), outcome,
                kit.id(), link.linkId());
        return OAuthPages.page(409, NOT_CONNECTED, message);
    }

    private static Map<String, String> outcomeDetails(ConnectLink link, KitAccount.Account kit, Map<String, String> more) {
        Map<String, String> details = new HashMap<>(more);
        details.put("account", link.account());
        if (kit != null) {
            details.put("kitAccountId", String.valueOf(kit.id()));
            details.put("kitAccountName", kit.name() == null ? "" : kit.name());
        }
        details.put("linkId", String.valueOf(link.linkId()));
        return details;
    }

    private static String describe(ConnectionStore.State stored) {
        String kit = stored.kitAccountId() == null ? "an unrecorded Kit account"
                : "Kit account " + stored.kitAccountId() + " (" + stored.kitAccountName() + ")";
        return kit + " by " + stored.kind() + (stored.isBroken() ? ", broken" : "");
    }

    private static int status(KitbridgeException e) {
        return switch (e.errorType()) {
            case "InvalidInput" -> 400;
            case "OAuthNotConfigured" -> 500;
            case "KitRateLimited", "RateBudgetExhausted" -> 503;
            default -> 502;
        };
    }

    /** rawPath (which may carry a stage prefix), else the route key's path. */
    private static String path(HttpApiEvent event) {
        if (event.rawPath() != null && !event.rawPath().isBlank()) {
            return event.rawPath();
        }
        String routeKey = event.routeKey() == null ? "" : event.routeKey();
        return routeKey.contains(" ") ? routeKey.substring(routeKey.indexOf(' ') + 1) : routeKey;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
