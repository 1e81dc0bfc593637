package io.kitbridge.webhook;

import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.budget.Priority;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitCatalog;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Applies one delivered event to the identity mirror, observed at the event's creation time (legacy deliveries
 * carry none: their arrival). Ordering ({@link MirrorMerge}): the profile (email, name, state, fields) changes only
 * if the event is not older than the profile's observation; a tag changes only if that tag was not observed later
 * (by a webhook, a sync page or tag list, provision or deprovision). Legacy deliveries never downgrade a suppression
 * state — the next sync settles a genuine re-subscribe. Every write is a compare-and-set on the version read, so
 * concurrent deliveries for one person never lose each other's change.
 */
@ApplicationScoped
public class MirrorUpdater {
    private static final String ACTOR = "kit-webhook";

    @Inject MirrorStore mirror;

    @Inject KitCatalog catalog;

    @Inject WebhookConfig config;

    @Inject Clock clock;

    @Inject InvocationDeadline deadline;

    private volatile ExecutorService lookups;

    enum Outcome {
        APPLIED, UNCHANGED, STALE, STORED, DUPLICATE, FAILED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What applying one event did: its outcome and the record after it. */
    record Applied(Outcome outcome, MirrorRecord after) {
    }

    /**
     * Deduplicates, applies and audits one event in one conditional write on the subscriber's item ({@link
     * MirrorStore#applyEvent}: the audit entry is kept on the item, written with the change it records).
     *
     * @param read the subscriber's record as read for this delivery (empty: absent), or null to read it
     */
    Applied apply(String account, InboundEvent ev, Optional<MirrorRecord> read, long rememberUntilSeconds) {
        InboundEvent.DeliveredSubscriber s = ev.subscriber();
        boolean tagEvent = KitEvents.isTagEvent(ev.type());
        Long tagId = tagEvent ? ev.tagId() : null;
        String tagName = tagEvent ? ev.tagName() : null;
        if (tagId != null && tagName == null) {
            tagName = tagName(account, tagId);
        }
        String name = tagName;
        MirrorStore.EventApplied applied;
        try {
            applied = mirror.applyEvent(account, s.id(), read, ev.dedupeKey(), rememberUntilSeconds,
                    existing -> observation(account, ev, existing, tagId, name),
                    (before, merge) -> audit(ev, before, merge, outcome(before, merge, tagId), name));
        } catch (MirrorStore.ConcurrentMirrorWrites busy) {
            throw new WebhookUnavailable(busy.getMessage(), config.retryAfter(), busy);
        }
        if (applied.duplicate()) {
            return new Applied(Outcome.DUPLICATE, applied.after());
        }
        return new Applied(outcome(applied.before(), applied.merge(), tagId), applied.after());
    }

    private static Outcome outcome(MirrorRecord before, MirrorMerge.Result result, Long tagId) {
        if (before == null) {
            return Outcome.APPLIED;
        }
        boolean tagApplied = tagId != null && result.tagsApplied().contains(tagId);
        if (!result.profileApplied() && !tagApplied) {
            return Outcome.STALE;
        }
        return result.contentChanged() ? Outcome.APPLIED : Outcome.UNCHANGED;
    }

    /**
     * What the event says, observed at its creation time (arrival for legacy deliveries). The profile is derived
     * from the record read: an undated delivery may raise a suppression state, never lower it, and a field update
     * changes one key.
     */
    static MirrorObservation observation(String account, InboundEvent ev, MirrorRecord existing, Long tagId,
            String tagName) {
        InboundEvent.DeliveredSubscriber s = ev.subscriber();
        String email = s.email() != null && !s.email().isBlank() ? s.email() : existing == null ? null : existing.email();
        String firstName = s.firstName() != null || existing == null ? s.firstName() : existing.firstName();
        String state = existing == null ? "unknown" : existing.state();
        String delivered = impliedState(ev.type(), s.state());
        if (delivered != null) {
            boolean downgrade = !ev.timed() && existing != null && rank(existing.state()) > rank(delivered);
            state = downgrade ? existing.state() : delivered;
        }
        Map<String, String> fields = new LinkedHashMap<>(existing == null || existing.fields() == null ? Map.of()
                : existing.fields());
        if (s.fields() != null) {
            fields = new LinkedHashMap<>(s.fields());
        }
        if (ev.fieldKey() != null && KitEvents.CUSTOM_FIELD_VALUE_UPDATE.equals(ev.type())) {
            fields.put(ev.fieldKey(), ev.fieldValue());
        }
        Map<Long, MirrorObservation.TagSeen> tags = tagId == null ? Map.of()
                : Map.of(tagId, new MirrorObservation.TagSeen(ev.occurredAt(), KitEvents.TAG_ADD.equals(ev.type()), tagName));
        return new MirrorObservation(account, s.id(), new MirrorObservation.Profile(ev.occurredAt(), email, firstName,
                state, fields), tags, 0, MirrorRecord.SOURCE_WEBHOOK, null, true);
    }

    /** An event we keep but do not act on still leaves a trace in the person's history. */
    void auditStored(String account, InboundEvent ev, String reason) {
        InboundEvent.DeliveredSubscriber s = ev.subscriber();
        if (s == null) {
            return;
        }
        mirror.audit(account, new AuditEntry(at(ev.occurredAt()), action(ev),
                subject(s.email(), s.id()), s.id(), Outcome.STORED.wire(), ACTOR, null, null,
                describe(ev) + "; kept, not applied: " + reason));
    }

    /**
     * Legacy tag events name only the tag id. The name usually comes from the control-table cache; on a miss Kit is
     * asked through the shared budget, which may make us wait. The handler must answer Kit quickly, so the wait is
     * bounded: past it Kit is told to retry, while the lookup carries on and warms the cache for that retry.
     */
    private String tagName(String account, long tagId) {
        // past the timeout the handler answers and Lambda may freeze this process: work in the lookup (a token
        // refresh) must fit before it
        long until = clock.millis() + config.tagLookupTimeout().toMillis();
        Future<Optional<String>> lookup = lookups().submit(() -> deadline.within(until,
                () -> catalog.tagName(account, tagId, Priority.INTERACTIVE)));
        try {
            return lookup.get(config.tagLookupTimeout().toMillis(), TimeUnit.MILLISECONDS).orElse(null);
        } catch (TimeoutException slow) {
            throw new WebhookUnavailable("tag name lookup is waiting for Kit", config.retryAfter(), slow);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookUnavailable("interrupted", config.retryAfter(), e);
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof BudgetExhaustedException busy) {
                throw new WebhookUnavailable("tag name lookup has no Kit budget", max(config.retryAfter(), busy.waitHint()),
                        busy);
            }
            if (cause instanceof KitException kit) {
                if (kit.isTransient() || kit.kind() == KitErrorKind.RATE_LIMITED || kit.kind() == KitErrorKind.CIRCUIT_OPEN) {
                    throw new WebhookUnavailable("tag name lookup failed: " + kit.getMessage(),
                            max(config.retryAfter(), kit.retryAfter().orElse(Duration.ZERO)), kit);
                }
                return null; // Kit will not tell us (revoked access, ...): keep the tag by id, sync fills the name
            }
            if (cause instanceof KitbridgeException) {
                return null; // secrets stored but no Kit credential for the account: same
            }
            if (cause instanceof SdkException dynamo) {
                throw dynamo;
            }
            throw new IllegalStateException(cause);
        }
    }

    private ExecutorService lookups() {
        ExecutorService l = lookups;
        if (l == null) {
            synchronized (this) {
                if (lookups == null) {
                    lookups = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, Thread.currentThread().getName() + " > tag-lookup");
                        t.setDaemon(true);
                        return t;
                    });
                }
                l = lookups;
            }
        }
        return l;
    }

    @PreDestroy
    void shutdown() {
        if (lookups != null) {
            lookups.shutdownNow();
        }
    }

    /** The state an event asserts; the snapshot may predate the change, the event name does not. */
    static String impliedState(String type, String snapshotState) {
        SubscriberState snapshot = SubscriberState.parse(snapshotState);
        return switch (type) {
            case KitEvents.UNSUBSCRIBE, KitEvents.CANCEL -> snapshot.isUnsubscribed() ? snapshot.wireName() : "cancelled";
            case KitEvents.BOUNCE -> SubscriberState.BOUNCED.wireName();
            case KitEvents.COMPLAIN -> SubscriberState.COMPLAINED.wireName();
            default -> snapshotState == null || snapshotState.isBlank() ? null : snapshotState.trim().toLowerCase(Locale.ROOT);
        };
    }

    /** Severity of a state: an undated (legacy) delivery may raise it, never lower it. */
    static int rank(String state) {
        return switch (SubscriberState.parse(state)) {
            case ACTIVE, UNKNOWN -> 0;
            case BOUNCED -> 1;
            case INACTIVE, CANCELLED -> 2;
            case COMPLAINED -> 3;
        };
    }

    private AuditEntry audit(InboundEvent ev, MirrorRecord before, MirrorMerge.Result merge, Outcome outcome,
            String tagName) {
        MirrorRecord after = merge.record() != null ? merge.record() : before;
        Map<String, String> b = new LinkedHashMap<>();
        Map<String, String> a = new LinkedHashMap<>();
        if (before != null && merge.write()) {
            diff(b, a, "email", before.email(), after.email());
            diff(b, a, "firstName", before.firstName(), after.firstName());
            diff(b, a, "state", before.state(), after.state());
            diff(b, a, "tags", joined(before.tags()), joined(after.tags()));
            Map<String, String> bf = before.fields() == null ? Map.of() : before.fields();
            Map<String, String> af = after.fields() == null ? Map.of() : after.fields();
            new TreeSet<>(union(bf.keySet(), af.keySet())).forEach(k -> diff(b, a, "fields." + k, bf.get(k), af.get(k)));
        } else if (before == null) {
            a.put("state", after.state());
            a.put("tags", joined(after.tags()));
        }
        String detail = describe(ev);
        if (KitEvents.isTagEvent(ev.type())) {
            detail += ev.tagId() == null ? "; the registration names no tag, tags left to the next sync"
                    : tagName == null ? " (tag name unknown)" : "";
        }
        boolean tagApplied = ev.tagId() != null && merge.tagsApplied().contains(ev.tagId());
        if (outcome == Outcome.STALE) {
            detail += "; older than the mirror's state, not applied";
        } else if (!merge.profileApplied()) {
            detail += "; older than the mirror's profile: only the tag change applied";
        } else if (KitEvents.isTagEvent(ev.type()) && ev.tagId() != null && !tagApplied) {
            detail += "; a newer change of this tag was already applied";
        }
        return new AuditEntry(at(ev.occurredAt()), action(ev), subject(after.email(), after.subscriberId()), after.subscriberId(), outcomeFor(ev, outcome), ACTOR,
                b.isEmpty() ? null : b, a.isEmpty() ? null : a, detail);
    }

    /** Activity events (click, purchase, course completion) are "recorded" even when the profile did not change. */
    private static String outcomeFor(InboundEvent ev, Outcome outcome) {
        boolean activity = KitEvents.LINK_CLICK.equals(ev.type()) || KitEvents.PRODUCT_PURCHASE.equals(ev.type())
                || KitEvents.COURSE_COMPLETE.equals(ev.type());
        return activity && outcome == Outcome.UNCHANGED ? "recorded" : outcome.wire();
    }

    /** Fixed-width UTC time (always milliseconds), so audit entries sort by time as text. */
    static String at(long epochMillis) {
        return AuditEntry.time(epochMillis);
    }

    static String action(InboundEvent ev) {
        return "webhook." + KitEvents.shortName(ev.type());
    }

    static String describe(InboundEvent ev) {
        StringBuilder sb = new StringBuilder(ev.kind()).append(" event ").append(ev.id());
        if (ev.tagName() != null || ev.tagId() != null) {
            sb.append(", tag ").append(ev.tagName() != null ? "'" + ev.tagName() + "'" : "").append(ev.tagId() != null
                    ? " #" + ev.tagId() : "");
        }
        if (ev.fieldKey() != null) {
            sb.append(", field ").append(ev.fieldKey());
        }
        if (KitEvents.LINK_CLICK.equals(ev.type())) {
            sb.append(", activity: link click");
        } else if (KitEvents.PRODUCT_PURCHASE.equals(ev.type())) {
            sb.append(", activity: product purchase");
        }
        return sb.toString();
    }

    /** Audit entries are keyed by email; a person whose address we never saw is filed under their id. */
    static String subject(String email, long subscriberId) {
        return email == null || email.isBlank() ? "id:" + subscriberId : email;
    }

    private static void diff(Map<String, String> before, Map<String, String> after, String key, String b, String a) {
        if (!Objects.equals(b, a)) {
            before.put(key, b);
            after.put(key, a);
        }
    }

    private static String joined(List<String> tags) {
        return tags == null ? "" : String.join(",", new TreeSet<>(tags));
    }

    private static <T> java.util.Set<T> union(java.util.Set<T> a, java.util.Set<T> b) {
        java.util.Set<T> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
