package io.kitbridge.oauth;

import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.Secrets;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitConfig;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.TokenResponse;
import io.kitbridge.store.ConnectionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Connects a Kit account by OAuth (authorization code + PKCE S256): /oauth/start sends the browser to Kit with
 * a fresh single-use state, /oauth/callback checks it, exchanges the code and stores the connection. Always
 * answers a page, never an exception: API Gateway would turn one into a bare 500.
 */
@ApplicationScoped
public class OAuthService {
    private static final Logger LOG = Logger.getLogger(OAuthService.class);
    static final String START = "/oauth/start";
    static final String CALLBACK = "/oauth/callback";
    private static final String NOT_CONNECTED = "Not connected";

    @Inject
    OAuthConfig config;

    @Inject
    KitConfig kitConfig;

    @Inject
    OAuthStates states;

    @Inject
    TokenEndpoint tokens;

    @Inject
    ConnectionStore connections;

    @Inject
    CredentialResolver credentials;

    @Inject
    ConnectionAudit audit;

    @Inject
    Clock clock;

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
            return OAuthPages.page(404, "Not found", "This function serves GET " + START + "?account=<name> and GET "
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
                .orElseThrow(() -> new InvalidInputException("account", "is required: " + START + "?account=<name>")));
        if (CredentialResolver.DEFAULT_ACCOUNT.equals(account) && kitConfig.apiKey().filter(k -> !k.isBlank()).isPresent()) {
            throw new InvalidInputException("account", "'default' uses the API key of KITBRIDGE_KIT_API_KEY; connect "
                    + "the OAuth account under another name");
        }
        String clientId = tokens.clientId();
        String redirectUri = config.redirectUri().filter(u -> !u.isBlank()).orElseThrow(() -> new KitbridgeException(
                "OAuthNotConfigured", "kitbridge.oauth.redirect-uri (KITBRIDGE_OAUTH_REDIRECT_URI) is not set"));
        String state = Pkce.newState();
        String verifier = Pkce.newVerifier();
        states.save(state, new PendingConnection(account, verifier, redirectUri));
        String authorize = config.authorizeUrl();
        String location = authorize + (authorize.contains("?") ? "&" : "?")
                + "response_type=code"
                + "&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(redirectUri)
                + "&scope=" + enc(String.join(" ", OAuthTokenRefresher.scopes(config.scopes())))
                + "&state=" + enc(state)
                + "&code_challenge=" + enc(Pkce.challenge(verifier))
                + "&code_challenge_method=S256";
        LOG.infof("OAuth connection of account %s started", account);
        return HttpApiResponse.redirect(location);
    }

    private HttpApiResponse callback(HttpApiEvent event) {
        Optional<String> state = event.query("state").filter(s -> !s.isBlank());
        Optional<String> error = event.query("error").filter(s -> !s.isBlank());
        if (error.isPresent()) {
            state.ifPresent(states::consume); // the attempt is over either way
            String description = event.query("error_description").map(d -> " (" + d + ")").orElse("");
            return OAuthPages.page(400, NOT_CONNECTED, "Kit did not authorise the connection: " + error.get() + description
                    + ". Start again at " + START + "?account=<name>.");
        }
        Optional<String> code = event.query("code").filter(c -> !c.isBlank());
        if (code.isEmpty()) {
            return OAuthPages.page(400, NOT_CONNECTED, "The callback carries no authorisation code (query parameter "
                    + "'code'). Start again at " + START + "?account=<name>.");
        }
        if (state.isEmpty()) {
            return OAuthPages.page(400, NOT_CONNECTED, "The callback carries no state (query parameter 'state'). "
                    + "Start again at " + START + "?account=<name>.");
        }
        Optional<PendingConnection> pending = states.consume(state.get());
        if (pending.isEmpty()) {
            LOG.info("OAuth callback with an unknown, expired or already used state refused");
            return OAuthPages.page(400, NOT_CONNECTED, "This authorisation is unknown, has expired (after "
                    + config.stateTtl().toMinutes() + " minutes) or was already used. Start again at " + START
                    + "?account=<name>.");
        }
        return connect(pending.get(), code.get());
    }

    private HttpApiResponse connect(PendingConnection pending, String code) {
        String account = pending.account();
        TokenResponse t;
        try {
            t = tokens.exchangeCode(account, code, pending.redirectUri(), pending.verifier());
        } catch (KitException e) {
            if (TokenEndpoint.isInvalidGrant(e)) {
                LOG.infof("Kit refused the authorisation code for account %s", account);
                return OAuthPages.page(400, NOT_CONNECTED, "Kit refused the authorisation code for account '" + account
                        + "' (codes are single use and short-lived). Start again at " + START + "?account=" + account + ".");
            }
            throw e;
        }
        if (t.refreshToken() == null || t.refreshToken().isBlank()) {
            throw new KitbridgeException("KitProtocolError", "Kit issued no refresh token for account '" + account + "'");
        }
        long expiresAt = t.expiresIn() == null ? 0 : clock.instant().getEpochSecond() + t.expiresIn();
        List<String> scopes = OAuthTokenRefresher.scopes(t.scope() == null ? config.scopes() : t.scope());
        connections.putOauth(account, t.accessToken(), t.refreshToken(), expiresAt, scopes);
        credentials.invalidate(account);
        audit.record(account, "oauth.connect", "connected", Map.of("scopes", String.join(" ", scopes),
                "expiresAt", Long.toString(expiresAt)), null);
        LOG.infof("account %s connected by OAuth (scopes %s)", account, scopes);
        return OAuthPages.page(200, "Connected", "Kit account '" + account + "' is connected to kitbridge (scopes: "
                + String.join(" ", scopes) + "). You can close this window.");
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
