package io.kitbridge.deprovision;

import io.kitbridge.kit.PageQuery;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.common.EmailAddress;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.KitPages;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberEnvelope;
import io.kitbridge.kit.SubscriberPage;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.kit.Tag;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Deprovisioning in the only safe order: read every tag from Kit (tags survive an unsubscribe), remove them all,
 * read them again (provision or a Kit automation may have added one meanwhile) and repeat, up to
 * {@link #MAX_TAG_ROUNDS} rounds, until none is left; only then unsubscribe (irreversible) and confirm. Tags that keep
 * coming back fail the call with DeprovisionIncomplete before any unsubscribe. The stored desired state is deleted,
 * so drift repair never re-applies a deprovisioned person's tags. Repeating it is safe: an unsubscribed person with
 * leftover tags gets them removed and is reported as already_deprovisioned.
 */
@ApplicationScoped
public class DeprovisionService {
    private static final int TAG_PAGE = 1000;
    static final int MAX_TAG_ROUNDS = 3;

    @Inject KitGateway kit;

    @Inject MirrorStore mirror;

    @Inject CredentialResolver credentials;

    @Inject DeprovisionGuard guard;

    @Inject BudgetConfig budgetConfig;

    @Inject Clock clock;

    /** One person, by email or Kit subscriber id; {@code request} is parsed ({@link DeprovisionRequest#from}), never null. */
    public DeprovisionResult deprovision(DeprovisionRequest request) {
        if (request.subscriberId() != null && request.subscriberId() <= 0) {
            throw new InvalidInputException("subscriberId", "must be a positive Kit subscriber id");
        }
        String account = CredentialResolver.validateAccount(request.account());
        String email = request.subscriberId() == null ? EmailAddress.normalize("email", request.email())
                : request.email() == null ? null : EmailAddress.normalize("email", request.email());
        credentials.resolve(account);
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        long before = kit.requestsSent();

        Optional<Subscriber> found = find(account, email, request.subscriberId());
        if (found.isEmpty()) {
            if (!dryRun) {
                mirror.audit(account, new AuditEntry(null, "deprovision", email == null ? "id:" + request.subscriberId() : email,
                        request.subscriberId(), DeprovisionResult.NOT_FOUND, "deprovision", null, null, null));
            }
            return new DeprovisionResult(request.subscriberId(), email, List.of(), null, DeprovisionResult.NOT_FOUND, null,
                    null, kit.requestsSent() - before);
        }
        Subscriber subscriber = found.get();
        String subscriberEmail = MirrorStore.normalizeEmail(subscriber.emailAddress());
        long tagsReadAt = clock.millis();
        List<Tag> tags = tagsOf(account, subscriber.id());
        SubscriberState state = subscriber.subscriberState();
        List<String> tagNames = tags.stream().map(Tag::name).toList();

        if (dryRun) {
            List<String> plan = new ArrayList<>();
            tags.forEach(t -> plan.add("remove tag " + t.name()));
            if (!state.isUnsubscribed()) {
                plan.add("unsubscribe (irreversible)");
            }
            return new DeprovisionResult(subscriber.id(), subscriberEmail, tagNames, state.wireName(), DeprovisionResult.PLANNED,
                    state.wireName(), plan, kit.requestsSent() - before);
        }
        if (state.isUnsubscribed() && tags.isEmpty()) {
            updateMirror(account, subscriber, state, tagsReadAt, tagsReadAt);
            mirror.deleteDesired(account, subscriberEmail);
            return new DeprovisionResult(subscriber.id(), subscriberEmail, List.of(), state.wireName(), DeprovisionResult.ALREADY,
                    state.wireName(), null, kit.requestsSent() - before);
        }
        boolean unsubscribing = !state.isUnsubscribed();
        if (unsubscribing) {
            guard.reserve(account, Boolean.TRUE.equals(request.force()));
        }
        List<String> removed = new ArrayList<>();
        try {
            List<Tag> left = tags;
            for (int round = 1; !left.isEmpty(); round++) {
                if (round > MAX_TAG_ROUNDS) {
                    throw new KitbridgeException("DeprovisionIncomplete", "subscriber " + subscriber.id() + " still has tags "
                            + left.stream().map(Tag::name).toList() + " after " + MAX_TAG_ROUNDS + " rounds of removing them "
                            + "(something keeps adding them: a Kit automation or a concurrent provision); not unsubscribed");
                }
                for (Tag tag : left) {
                    try {
                        kit.call(interactive(account, "remove tag"), api -> api.removeTag(account, tag.id(), subscriber.id()));
                    } catch (KitException e) {
                        if (e.kind() != KitErrorKind.NOT_FOUND) { // 404: already gone, which is what we want
                            throw e;
                        }
                    }
                    if (!removed.contains(tag.name())) {
                        removed.add(tag.name());
                    }
                }
                tagsReadAt = clock.millis();
                left = tagsOf(account, subscriber.id()); // read again: the unsubscribe must not leave a tag behind
            }
            SubscriberState after = state;
            long stateReadAt = tagsReadAt;
            if (unsubscribing) {
                kit.call(interactive(account, "unsubscribe"), api -> api.unsubscribe(account, subscriber.id()));
                // confirm: 204 carries no body, and the state is what matters
                stateReadAt = clock.millis();
                SubscriberEnvelope confirmed = kit.call(interactive(account, "confirm unsubscribe"),
                        api -> api.getSubscriber(account, subscriber.id()));
                after = confirmed == null || confirmed.subscriber() == null ? SubscriberState.UNKNOWN
                        : confirmed.subscriber().subscriberState();
                if (!after.isUnsubscribed()) {
                    throw new KitbridgeException("DeprovisionUnconfirmed", "Kit accepted the unsubscribe of subscriber "
                            + subscriber.id() + " but still reports state '" + after.wireName() + "'; run deprovision again");
                }
            }
            updateMirror(account, subscriber, after, stateReadAt, tagsReadAt);
            mirror.deleteDesired(account, subscriberEmail);
            String outcome = unsubscribing ? DeprovisionResult.DEPROVISIONED : DeprovisionResult.ALREADY;
            mirror.audit(account, new AuditEntry(null, "deprovision", subscriberEmail, subscriber.id(), outcome, "deprovision",
                    Map.of("state", state.wireName(), "tags", String.join(",", tagNames)),
                    Map.of("state", after.wireName(), "tags", ""), null));
            return new DeprovisionResult(subscriber.id(), subscriberEmail, removed, after.wireName(), outcome, state.wireName(),
                    null, kit.requestsSent() - before);
        } catch (RuntimeException failure) {
            mirror.audit(account, new AuditEntry(null, "deprovision", subscriberEmail, subscriber.id(), "failed", "deprovision",
                    Map.of("state", state.wireName(), "tags", String.join(",", tagNames)),
                    Map.of("tagsRemoved", String.join(",", removed)), failure.getMessage()));
            throw failure;
        }
    }

    /** Mirror first (no Kit request to find the id), then Kit's email filter. Always reads the live record from Kit. */
    private Optional<Subscriber> find(String account, String email, Long subscriberId) {
        Long id = subscriberId;
        if (id == null) {
            id = mirror.findByEmail(account, email).map(MirrorRecord::subscriberId).orElse(null);
        }
        if (id != null) {
            long known = id;
            try {
                Subscriber s = kit.call(read(account, "get subscriber"), api -> api.getSubscriber(account, known)).subscriber();
                if (s != null && (email == null || email.equals(MirrorStore.normalizeEmail(s.emailAddress())))) {
                    return Optional.of(s);
                }
            } catch (KitException e) {
                if (e.kind() != KitErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
            if (email == null) {
                return Optional.empty();
            }
        }
        SubscriberPage page = kit.call(read(account, "find subscriber by email"), api -> api.findSubscribersByEmail(account, email));
        return page.items().stream().filter(s -> email.equals(MirrorStore.normalizeEmail(s.emailAddress()))).findFirst();
    }

    private List<Tag> tagsOf(String account, long subscriberId) {
        return KitPages.all(cursor -> kit.call(read(account, "list subscriber tags"),
                api -> api.listSubscriberTags(account, subscriberId, PageQuery.of(TAG_PAGE, cursor))));
    }

    /** Kit's answers: the state as confirmed at {@code stateAt}, no tags at all as listed at {@code tagsAt}. */
    private void updateMirror(String account, Subscriber s, SubscriberState state, long stateAt, long tagsAt) {
        Map<String, String> fields = new TreeMap<>(s.fieldsOrEmpty());
        fields.values().removeIf(java.util.Objects::isNull);
        mirror.merge(account, s.id(), null, ignored -> new MirrorObservation(account, s.id(),
                new MirrorObservation.Profile(stateAt, s.emailAddress(), s.firstName(), state.wireName(), fields), Map.of(),
                tagsAt, MirrorRecord.SOURCE_DEPROVISION, null, true));
    }

    private KitCall interactive(String account, String operation) {
        // unsubscribe and tag removal are safe to repeat: a repeat finds the same end state
        return KitCall.interactive(account, operation, true, budgetConfig.interactiveMaxWait());
    }

    private KitCall read(String account, String operation) {
        return KitCall.interactive(account, operation, true, budgetConfig.interactiveMaxWait());
    }
}
