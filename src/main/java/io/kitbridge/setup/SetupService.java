package io.kitbridge.setup;

import io.kitbridge.kit.PageQuery;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.budget.Priority;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.Secrets;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitPages;
import io.kitbridge.kit.KitCatalog;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitErrors;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.LegacyWebhook;
import io.kitbridge.kit.LegacyWebhookCreate;
import io.kitbridge.kit.LegacyWebhookEnvelope;
import io.kitbridge.kit.WebhookEndpoint;
import io.kitbridge.kit.WebhookEndpointCreate;
import io.kitbridge.kit.WebhookEndpointEnvelope;
import io.kitbridge.kit.WebhookEvent;
import io.kitbridge.setup.SetupResult.Registration;
import io.kitbridge.setup.SetupResult.Removal;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.store.AccountWebhooks;
import io.kitbridge.webhook.KitEvents;
import io.kitbridge.webhook.WebhookConfig;
import io.kitbridge.webhook.WebhookSecrets;
import io.kitbridge.webhook.WebhookUrls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Registers the account's webhooks at {@code <base-url>/webhooks/<account>}, idempotently: lists what Kit has,
 * keeps what is right, creates what is missing and removes registrations that point at us but are not wanted
 * (other events, the other mode, duplicates, an endpoint whose secret we do not hold). Secrets are stored
 * before anything that depends on them is left in Kit, so a run that fails half-way leaves nothing unverifiable
 * behind, and a re-run completes it.
 */
@ApplicationScoped
public class SetupService {
    private static final Logger LOG = Logger.getLogger(SetupService.class);
    static final String AUDIT_SUBJECT = "setup:webhooks";
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final int PAGE = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject KitGateway kit;

    @Inject KitCatalog catalog;

    @Inject CredentialResolver credentials;

    @Inject WebhookSecrets secrets;

    @Inject WebhookConfig config;

    @Inject MirrorStore mirror;

    @Inject Clock clock;

    public SetupResult setup(JsonNode input) {
        JsonNode root = JsonInput.object(input, "input");
        String account = CredentialResolver.validateAccount(JsonInput.string(root, "account", "").orElse(null));
        String mode = JsonInput.string(root, "webhooks", "").map(String::trim).orElseThrow(() ->
                new InvalidInputException("webhooks", "is required: \"legacy\" or \"signed\""));
        if (!AccountWebhooks.MODE_LEGACY.equals(mode) && !AccountWebhooks.MODE_SIGNED.equals(mode)) {
            throw new InvalidInputException("webhooks", "must be \"legacy\" or \"signed\"");
        }
        List<String> events = events(root, mode);
        boolean recreate = JsonInput.bool(root, "recreate", "", false);
        String base = WebhookUrls.baseUrl(config.baseUrl());
        credentials.resolve(account); // unknown account → InvalidInput before any Kit call
        long requestsBefore = kit.requestsSent();
        AccountWebhooks stored = secrets.load(account);
        Outcome outcome = AccountWebhooks.MODE_LEGACY.equals(mode) ? legacy(account, base, events, stored, recreate)
                : signed(account, base, events, stored, recreate);
        SetupResult result = new SetupResult(account, mode, WebhookUrls.target(base, account), events,
                outcome.registrations, outcome.removed, count(outcome.registrations, "created"),
                count(outcome.registrations, "kept"), outcome.secretStored, kit.requestsSent() - requestsBefore);
        Map<String, String> after = new LinkedHashMap<>();
        after.put("mode", mode);
        after.put("events", String.join(",", events));
        after.put("registrations", Integer.toString(result.registrations().size()));
        mirror.audit(account, AuditEntry.of("setup.webhooks", "setup", AUDIT_SUBJECT, "registered").withChange(null, after)
                .withDetail("created " + result.created() + ", kept " + result.kept() + ", removed "
                        + result.removed().size() + " at " + result.targetUrl()));
        LOG.infof("webhooks of account %s: %s, created %d, kept %d, removed %d", account, mode, result.created(),
                result.kept(), result.removed().size());
        return result;
    }

    private record Outcome(List<Registration> registrations, List<Removal> removed, boolean secretStored) {
    }

    // ---------------------------------------------------------------- legacy: one registration per event (and tag)

    private Outcome legacy(String account, String base, List<String> events, AccountWebhooks stored, boolean recreate) {
        List<LegacyWebhook> existing = listLegacy(account); // first Kit call: validates the credential
        String token = stored.token() != null && !recreate ? stored.token() : newSecret();
        Secrets.register(token);
        // stored before any URL carrying it reaches Kit; a signing secret of ours is no longer needed
        secrets.save(next(stored, AccountWebhooks.MODE_LEGACY, token, null, null, events));

        // the body of a legacy tag event does not say which tag: one registration per tag, the id in the URL
        Map<String, LegacyWant> wanted = new LinkedHashMap<>();
        List<Long> tagIds = events.stream().anyMatch(KitEvents::isTagEvent)
                ? new ArrayList<>(new TreeSet<>(catalog.tags(account, Priority.INTERACTIVE, true).values())) : List.of();
        for (String event : events) {
            if (KitEvents.isTagEvent(event)) {
                tagIds.forEach(tagId -> wanted.put(WebhookUrls.legacyTarget(base, account, event, tagId, token),
                        new LegacyWant(event, tagId)));
            } else {
                wanted.put(WebhookUrls.legacyTarget(base, account, event, null, token), new LegacyWant(event, null));
            }
        }
        List<Registration> registrations = new ArrayList<>();
        List<Removal> removed = new ArrayList<>();
        Set<String> matched = new HashSet<>();
        for (LegacyWebhook hook : existing) {
            if (!WebhookUrls.pointsAt(hook.targetUrl(), base, account)) {
                continue; // someone else's webhook: never touched
            }
            String url = hook.targetUrl().trim();
            String event = hook.event() == null ? null : hook.event().name();
            Long tagId = hook.event() == null ? null : hook.event().tagId();
            if (wanted.containsKey(url) && matched.add(url)) {
                registrations.add(new Registration("legacy", hook.id(), List.of(wanted.get(url).event()),
                        wanted.get(url).tagId(), "kept"));
            } else {
                deleteLegacy(account, hook.id());
                removed.add(new Removal("legacy", hook.id(), event == null ? List.of() : List.of(event), tagId,
                        wanted.containsKey(url) ? "duplicate" : recreate ? "recreate" : "stale"));
            }
        }
        for (Map.Entry<String, LegacyWant> want : wanted.entrySet()) {
            if (matched.contains(want.getKey())) {
                continue;
            }
            LegacyWant w = want.getValue();
            LegacyWebhookEnvelope created = kit.call(KitCall.interactive(account, "create webhook", false, MAX_WAIT),
                    api -> api.createWebhook(account, new LegacyWebhookCreate(want.getKey(),
                            new WebhookEvent(w.event(), w.tagId(), null, null, null, null))));
            if (created == null || created.webhook() == null) {
                throw KitErrors.emptyBody("create webhook");
            }
            registrations.add(new Registration("legacy", created.webhook().id(), List.of(w.event()), w.tagId(), "created"));
        }
        for (WebhookEndpoint endpoint : listEndpoints(account)) {
            if (WebhookUrls.pointsAt(endpoint.url(), base, account)) {
                deleteEndpoint(account, endpoint.id());
                removed.add(new Removal("endpoint", endpoint.id(), endpoint.events(), null, "mode-switch"));
            }
        }
        return new Outcome(registrations, removed, true);
    }

    private record LegacyWant(String event, Long tagId) {
    }

    // ---------------------------------------------------------------- signed: one endpoint with every event

    private Outcome signed(String account, String base, List<String> events, AccountWebhooks stored, boolean recreate) {
        List<WebhookEndpoint> existing = listEndpoints(account); // first Kit call: validates the credential
        String target = WebhookUrls.target(base, account);
        Set<String> wantedEvents = new TreeSet<>(events);
        List<Registration> registrations = new ArrayList<>();
        List<Removal> removed = new ArrayList<>();
        List<WebhookEndpoint> toRemove = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        WebhookEndpoint keep = null;
        for (WebhookEndpoint endpoint : existing) {
            if (!WebhookUrls.pointsAt(endpoint.url(), base, account)) {
                continue;
            }
            boolean ours = stored.secret() != null && stored.endpointId() != null && stored.endpointId() == endpoint.id();
            boolean right = target.equals(endpoint.url().trim()) && wantedEvents.equals(normalized(endpoint.events()));
            if (keep == null && ours && right && !recreate) {
                keep = endpoint;
            } else {
                toRemove.add(endpoint);
                reasons.add(!ours ? "no-secret" : recreate ? "recreate" : keep != null ? "duplicate" : "stale");
            }
        }
        boolean secretStored;
        if (keep != null) {
            registrations.add(new Registration("endpoint", keep.id(), List.copyOf(normalized(keep.events())), null, "kept"));
            secrets.save(next(stored, AccountWebhooks.MODE_SIGNED, null, stored.secret(), stored.endpointId(), events));
            secretStored = true;
        } else {
            WebhookEndpointEnvelope created;
            try {
                created = kit.call(KitCall.interactive(account, "create webhook endpoint", false, MAX_WAIT),
                        api -> api.createWebhookEndpoint(account, new WebhookEndpointCreate(target, events,
                                "kitbridge " + account)));
            } catch (KitException e) {
                if (e.kind() != KitErrorKind.UNPROCESSABLE) {
                    throw e;
                }
                throw refused(events, e);
            }
            WebhookEndpoint endpoint = created == null ? null : created.webhookEndpoint();
            if (endpoint == null) {
                throw KitErrors.emptyBody("create webhook endpoint");
            }
            if (endpoint.secret() == null || endpoint.secret().isBlank()) {
                deleteEndpoint(account, endpoint.id()); // unverifiable: do not leave it delivering
                throw new KitException(KitErrorKind.PROTOCOL, 201, List.of(), null,
                        "Kit created webhook endpoint " + endpoint.id() + " without returning its secret; removed it", null);
            }
            Secrets.register(endpoint.secret());
            secrets.save(next(stored, AccountWebhooks.MODE_SIGNED, null, endpoint.secret(), endpoint.id(), events));
            registrations.add(new Registration("endpoint", endpoint.id(), List.copyOf(wantedEvents), null, "created"));
            secretStored = true;
        }
        for (int i = 0; i < toRemove.size(); i++) {
            WebhookEndpoint endpoint = toRemove.get(i);
            deleteEndpoint(account, endpoint.id());
            removed.add(new Removal("endpoint", endpoint.id(), endpoint.events(), null, reasons.get(i)));
        }
        for (LegacyWebhook hook : listLegacy(account)) {
            if (WebhookUrls.pointsAt(hook.targetUrl(), base, account)) {
                deleteLegacy(account, hook.id());
                removed.add(new Removal("legacy", hook.id(), hook.event() == null ? List.of() : List.of(hook.event().name()),
                        hook.event() == null ? null : hook.event().tagId(), "mode-switch"));
            }
        }
        return new Outcome(registrations, removed, secretStored);
    }

    /**
     * Kit's 422 on endpoint creation: the event types it named (or, if its message names none of ours, all we sent),
     * so the operator sees which types this Kit account does not offer (kit-v4-deltas.md: planned or unknown types
     * are refused). Nothing was registered; the stored webhook state is unchanged.
     */
    static KitbridgeException refused(List<String> sent, KitException e) {
        String said = String.join("; ", e.kitMessages());
        List<String> named = sent.stream().filter(said::contains).toList();
        return new KitbridgeException("WebhookEventsRefused", "Kit refused the webhook endpoint event types "
                + (named.isEmpty() ? sent : named) + " (Kit said: " + (said.isBlank() ? e.getMessage() : said) + ")", e);
    }

    /**
     * The state to store: each mode holds only its own credential; a token or secret being replaced stays accepted
     * for the grace period, so deliveries already in flight (and Kit's retries of them) still verify.
     */
    private AccountWebhooks next(AccountWebhooks stored, String mode, String token, String secret, Long endpointId,
            List<String> events) {
        long now = clock.instant().getEpochSecond();
        boolean tokenReplaced = stored.token() != null && !stored.token().equals(token);
        boolean secretReplaced = stored.secret() != null && !stored.secret().equals(secret);
        boolean graceLeft = stored.previousUntil() > now;
        String previousToken = tokenReplaced ? stored.token() : graceLeft ? stored.previousToken() : null;
        String previousSecret = secretReplaced ? stored.secret() : graceLeft ? stored.previousSecret() : null;
        long until = tokenReplaced || secretReplaced ? now + config.previousSecretGrace().toSeconds()
                : graceLeft ? stored.previousUntil() : 0;
        return new AccountWebhooks(stored.account(), mode, token, secret, endpointId, previousToken, previousSecret, until,
                events);
    }

    // ---------------------------------------------------------------- Kit calls

    private List<LegacyWebhook> listLegacy(String account) {
        return KitPages.all(cursor -> kit.call(KitCall.interactive(account, "list webhooks", true, MAX_WAIT),
                api -> api.listWebhooks(account, PageQuery.of(PAGE, cursor))));
    }

    private List<WebhookEndpoint> listEndpoints(String account) {
        return KitPages.all(cursor -> kit.call(KitCall.interactive(account, "list webhook endpoints", true, MAX_WAIT),
                api -> api.listWebhookEndpoints(account, PageQuery.of(PAGE, cursor))));
    }

    private void deleteLegacy(String account, long id) {
        try {
            kit.call(KitCall.interactive(account, "delete webhook", true, MAX_WAIT), api -> api.deleteWebhook(account, id));
        } catch (KitException e) {
            if (e.kind() != KitErrorKind.NOT_FOUND) {
                throw e;
            } // already gone: the goal is reached
        }
    }

    private void deleteEndpoint(String account, long id) {
        try {
            kit.call(KitCall.interactive(account, "delete webhook endpoint", true, MAX_WAIT),
                    api -> api.deleteWebhookEndpoint(account, id));
        } catch (KitException e) {
            if (e.kind() != KitErrorKind.NOT_FOUND) {
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- input

    /**
     * The events to register, in Kit's order: legacy webhooks take legacy names (/v4/webhooks), signed endpoints
     * catalog names (/v4/webhook_endpoints refuses anything else with 422). Either generation's name is accepted as
     * input and translated; by default a signed endpoint subscribes to the catalog events that change identity state.
     */
    private static List<String> events(JsonNode root, String mode) {
        boolean legacy = AccountWebhooks.MODE_LEGACY.equals(mode);
        List<String> allowed = legacy ? KitEvents.LEGACY : KitEvents.CATALOG_NAMES;
        List<String> given = JsonInput.stringList(root, "events", "", 50, 100);
        if (given.isEmpty()) {
            if (root.has("events") && root.get("events").isArray()) {
                throw new InvalidInputException("events", "must not be empty (omit it for every subscriber event)");
            }
            return legacy ? KitEvents.LEGACY : KitEvents.IDENTITY_CATALOG_NAMES;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String name = legacy ? KitEvents.normalize(given.get(i)).map(KitEvents::fromCatalog).orElseThrow()
                    : KitEvents.catalogName(given.get(i)).orElse(given.get(i));
            if (KitEvents.CUSTOM_FIELD_VALUE_UPDATE.equals(KitEvents.normalize(given.get(i)).orElse(""))) {
                throw new InvalidInputException("events[" + i + "]", "custom_field_value_update is not an event Kit "
                        + "delivers to " + (legacy ? "legacy webhooks" : "webhook endpoints (it is not in Kit's catalog)"));
            }
            if (!allowed.contains(name)) {
                throw new InvalidInputException("events[" + i + "]", "'" + given.get(i) + "' is not a Kit subscriber event"
                        + (legacy ? "" : " of the webhook endpoint catalog") + "; one of "
                        + String.join(", ", allowed.stream().map(KitEvents::shortName).toList()));
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        // Kit's order, so the same set always yields the same registrations
        return allowed.stream().filter(out::contains).toList();
    }

    private static Set<String> normalized(List<String> events) {
        Set<String> out = new TreeSet<>();
        if (events != null) {
            events.forEach(e -> KitEvents.normalize(e).ifPresent(out::add));
        }
        return out;
    }

    private static int count(List<Registration> registrations, String status) {
        return (int) registrations.stream().filter(r -> status.equals(r.status())).count();
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
