package io.kitbridge.webhook;

import io.kitbridge.common.HttpApiEvent;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.webhook.MirrorUpdater.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * POST /webhooks/{account}: size check, authentication (URL token for legacy deliveries, X-Kit-Signature for
 * signed ones), parsing, then the events. Answers 413/401/400 for bad input and 503 + Retry-After when a
 * dependency is down — never a 5xx for bad input, which Kit would retry for days. Authentication comes before
 * parsing, so an unauthenticated caller learns nothing about what we accept.
 */
@ApplicationScoped
public class WebhookService {
    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    @Inject WebhookSecrets secrets;

    @Inject DeliveryProcessor processor;

    @Inject WebhookConfig config;

    @Inject Clock clock;

    @Inject InvocationDeadline deadline;

    public HttpApiResponse handle(HttpApiEvent event) {
        HttpApiResponse response = deadline.within(clock.millis() + config.maxInvocationTime().toMillis(),
                () -> respond(event));
        if (response.statusCode() >= 400 && response.statusCode() < 500) {
            WebhookMetrics.rejected();
        }
        return response;
    }

    private HttpApiResponse respond(HttpApiEvent event) {
        if (event == null) {
            return error(400, "empty event");
        }
        String method = event.method();
        if (!method.isEmpty() && !"POST".equals(method)) {
            return new HttpApiResponse(405, Map.of("content-type", "application/json", "allow", "POST"),
                    "{\"error\":\"method not allowed\"}", false);
        }
        String account = account(event);
        if (account == null) {
            return error(404, "no such webhook route");
        }
        int max = config.maxBodyBytes();
        String encoded = event.body() == null ? "" : event.body();
        // cheap bound before decoding: base64 inflates by 4/3, UTF-8 text is at least one byte per char
        long lowerBound = event.isBase64Encoded() ? (encoded.length() / 4L) * 3 - 2 : encoded.length();
        if (lowerBound > max) {
            return error(413, "body larger than " + max + " bytes");
        }
        byte[] body;
        try {
            body = event.rawBody();
        } catch (IllegalArgumentException badBase64) {
            return error(400, "body is not valid base64");
        }
        if (body.length > max) {
            return error(413, "body larger than " + max + " bytes");
        }
        try {
            return deliver(account, event, body);
        } catch (SdkException e) {
            return unavailable(new WebhookUnavailable("DynamoDB unavailable: " + e.getClass().getSimpleName(),
                    config.retryAfter(), e), account);
        } catch (WebhookUnavailable e) {
            return unavailable(e, account);
        }
    }

    private HttpApiResponse deliver(String account, HttpApiEvent event, byte[] body) {
        long nowMillis = clock.millis();
        String signature = event.header(KitSignature.HEADER).orElse(null);
        List<InboundEvent> events;
        try {
            if (signature != null) {
                if (!signedAuthentic(account, signature, body, nowMillis / 1000)) {
                    return error(401, "unauthorized");
                }
                events = DeliveryParser.signed(body, nowMillis, config.eventTimeTolerance().toMillis());
            } else {
                String token = event.query(WebhookUrls.TOKEN_PARAM).orElse(null);
                if (!legacyAuthentic(account, token, nowMillis / 1000)) {
                    return error(401, "unauthorized");
                }
                events = List.of(DeliveryParser.legacy(body, event.query(WebhookUrls.EVENT_PARAM).orElse(null),
                        event.query(WebhookUrls.TAG_ID_PARAM).orElse(null), nowMillis));
            }
        } catch (DeliveryParser.MalformedDelivery malformed) {
            LOG.infof("webhook delivery for account %s rejected: %s", account, malformed.getMessage());
            return error(400, malformed.getMessage());
        }
        Map<Outcome, Integer> counts = processor.process(account, events);
        WebhookMetrics.events(counts);
        LOG.debugf("webhook delivery for account %s: %d events %s", account, events.size(), counts);
        return HttpApiResponse.json(200, "{\"received\":" + events.size()
                + ",\"applied\":" + counts.getOrDefault(Outcome.APPLIED, 0)
                + ",\"unchanged\":" + counts.getOrDefault(Outcome.UNCHANGED, 0)
                + ",\"stale\":" + counts.getOrDefault(Outcome.STALE, 0)
                + ",\"duplicates\":" + counts.getOrDefault(Outcome.DUPLICATE, 0)
                + ",\"stored\":" + counts.getOrDefault(Outcome.STORED, 0)
                + ",\"failed\":" + counts.getOrDefault(Outcome.FAILED, 0) + "}");
    }

    private boolean signedAuthentic(String account, String header, byte[] body, long nowSeconds) {
        KitSignature.Verdict shape = KitSignature.precheck(header, nowSeconds, config.signatureTolerance());
        if (shape != KitSignature.Verdict.VALID) {
            // before any table read: a forged or replayed delivery costs no DynamoDB request
            LOG.warnf("signed webhook delivery for account %s rejected: %s", account, shape);
            return false;
        }
        KitSignature.Verdict verdict = KitSignature.verify(header, body,
                secrets.get(account).signingSecrets(nowSeconds), nowSeconds, config.signatureTolerance());
        if (verdict == KitSignature.Verdict.MISMATCH || verdict == KitSignature.Verdict.NO_SECRET) {
            // setup may have just replaced the secret in another Lambda
            verdict = KitSignature.verify(header, body, secrets.reloadAfterFailure(account).signingSecrets(nowSeconds),
                    nowSeconds, config.signatureTolerance());
        }
        if (verdict != KitSignature.Verdict.VALID) {
            LOG.warnf("signed webhook delivery for account %s rejected: %s", account, verdict);
            return false;
        }
        return true;
    }

    private boolean legacyAuthentic(String account, String token, long nowSeconds) {
        if (token == null || token.isEmpty()) {
            LOG.warnf("legacy webhook delivery for account %s rejected: no token", account);
            return false;
        }
        if (matches(token, secrets.get(account).tokens(nowSeconds))
                || matches(token, secrets.reloadAfterFailure(account).tokens(nowSeconds))) {
            return true;
        }
        LOG.warnf("legacy webhook delivery for account %s rejected: wrong token", account);
        return false;
    }

    private static boolean matches(String token, List<String> accepted) {
        boolean match = false;
        for (String candidate : accepted) {
            match |= KitSignature.constantTimeEquals(token, candidate);
        }
        return match;
    }

    /** {account} from the route's path parameter (or the path itself); null when it is not a valid account name. */
    static String account(HttpApiEvent event) {
        String raw = event.path("account").orElse(null);
        if (raw == null && event.rawPath() != null) {
            String path = event.rawPath().replaceAll("/+$", "");
            int slash = path.lastIndexOf('/');
            raw = slash < 0 ? null : path.substring(slash + 1);
        }
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return CredentialResolver.validateAccount(raw);
        } catch (InvalidInputException e) {
            return null;
        }
    }

    private HttpApiResponse unavailable(WebhookUnavailable e, String account) {
        long seconds = Math.max(1, e.retryAfter().toSeconds());
        LOG.warnf("webhook delivery for account %s deferred (503, retry in %d s): %s", account, seconds, e.getMessage());
        return new HttpApiResponse(503, Map.of("content-type", "application/json", "retry-after", Long.toString(seconds)),
                "{\"error\":\"temporarily unavailable\",\"retryAfterSeconds\":" + seconds + "}", false);
    }

    private static HttpApiResponse error(int status, String message) {
        return HttpApiResponse.json(status, "{\"error\":\"" + message.replace("\"", "'") + "\"}");
    }
}
