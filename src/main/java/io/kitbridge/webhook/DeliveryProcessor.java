package io.kitbridge.webhook;

import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.webhook.MirrorUpdater.Outcome;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs the events of one delivery. An actionable event (known type, identified subscriber) is deduplicated and
 * applied by one conditional write on the subscriber's mirror item that also carries its audit entry ({@link
 * MirrorUpdater#apply}); every subscriber the delivery names is read first in one BatchGetItem, and each write's
 * result is the next event's read, so the common case costs one write per event plus one read per delivery.
 * Events of one subscriber run in event-time order; different subscribers run concurrently. Events we only keep (unknown type, no subscriber) take the control-table claim path: claimed
 * (an event claimed elsewhere gets 503 + Retry-After for the rest of that claim's lease), kept, marked done.
 * A dependency failure surfaces as {@link WebhookUnavailable} (503: Kit retries; what was applied is remembered
 * on the item, so the retry answers it as a duplicate).
 */
@ApplicationScoped
public class DeliveryProcessor {
    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);

    @Inject WebhookControl control;

    @Inject MirrorUpdater updater;

    @Inject MirrorStore mirror;

    @Inject WebhookConfig config;

    @Inject InvocationDeadline deadline;

    @Inject Clock clock;

    private volatile ExecutorService pool;

    Map<Outcome, Integer> process(String account, List<InboundEvent> events) {
        Map<Long, List<InboundEvent>> bySubscriber = new LinkedHashMap<>();
        long unidentified = -1;
        for (InboundEvent ev : events) {
            long key = ev.subscriber() == null ? unidentified-- : ev.subscriber().id();
            bySubscriber.computeIfAbsent(key, k -> new ArrayList<>()).add(ev);
        }
        List<List<InboundEvent>> groups = new ArrayList<>(bySubscriber.values());
        groups.forEach(g -> g.sort(Comparator.comparingLong(InboundEvent::occurredAt)));
        Map<Long, MirrorRecord> read;
        try {
            read = mirror.getAll(account, events.stream().filter(InboundEvent::actionable)
                    .map(ev -> ev.subscriber().id()).collect(Collectors.toCollection(LinkedHashSet::new)));
        } catch (SdkException e) {
            throw unavailable(e);
        }
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        RuntimeException failure = null;
        if (groups.size() == 1 || config.parallelism() <= 1) {
            for (List<InboundEvent> group : groups) {
                try {
                    runGroup(account, group, read).forEach(o -> counts.merge(o, 1, Integer::sum));
                } catch (WebhookUnavailable e) {
                    failure = failure == null ? e : failure;
                }
            }
        } else {
            Long until = deadline.current();
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            for (List<InboundEvent> group : groups) {
                futures.add(pool().submit(() -> until == null ? runGroup(account, group, read)
                        : deadline.within(until, () -> runGroup(account, group, read))));
            }
            for (Future<List<Outcome>> f : futures) {
                try {
                    f.get().forEach(o -> counts.merge(o, 1, Integer::sum));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof WebhookUnavailable u) {
                        failure = failure == null ? u : failure;
                    } else {
                        failure = failure == null ? new IllegalStateException(e.getCause()) : failure;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new WebhookUnavailable("interrupted", config.retryAfter(), e);
                }
            }
        }
        if (failure != null) {
            throw failure; // every group finished first: nothing half-claimed is left behind
        }
        return counts;
    }

    private List<Outcome> runGroup(String account, List<InboundEvent> group, Map<Long, MirrorRecord> read) {
        List<Outcome> outcomes = new ArrayList<>(group.size());
        // the person's record as read for the delivery, then as each write left it (null: read it again)
        Optional<MirrorRecord> current = group.get(0).subscriber() == null ? null
                : Optional.ofNullable(read.get(group.get(0).subscriber().id()));
        for (InboundEvent ev : group) {
            if (!ev.actionable()) {
                outcomes.add(runKept(account, ev));
                continue;
            }
            MirrorUpdater.Applied applied = applyOne(account, ev, current);
            if (applied == null) {
                outcomes.add(Outcome.FAILED);
                current = null;
                continue;
            }
            outcomes.add(applied.outcome());
            current = Optional.ofNullable(applied.after());
        }
        return outcomes;
    }

    /** One actionable event: dedupe and apply in one conditional write; null when it failed (kept, acknowledged). */
    private MirrorUpdater.Applied applyOne(String account, InboundEvent ev, Optional<MirrorRecord> current) {
        try {
            return updater.apply(account, ev, current, rememberUntil(ev));
        } catch (SdkException e) {
            throw unavailable(e);
        } catch (WebhookUnavailable e) {
            throw e;
        } catch (RuntimeException bug) {
            // not the sender's fault and not transient: keep the event, acknowledge, never make Kit retry for days
            LOG.errorf(bug, "webhook event %s (%s) of account %s could not be applied; kept for inspection", ev.id(),
                    ev.type(), account);
            try {
                control.keep(account, ev, "failed: " + bug.getClass().getSimpleName(), Instant.now(clock),
                        config.unknownRetention());
                control.done(account, ev.dedupeKey(), window(ev));
            } catch (SdkException e) {
                throw unavailable(e);
            }
            return null;
        }
    }

    private long rememberUntil(InboundEvent ev) {
        return clock.millis() / 1000 + window(ev).toSeconds();
    }

    private Duration window(InboundEvent ev) {
        return InboundEvent.KIND_LEGACY.equals(ev.kind()) ? config.legacyDedupeWindow() : config.dedupeWindow();
    }

    /** An event we keep but cannot apply: claimed in the control table, kept for inspection, then marked done. */
    private Outcome runKept(String account, InboundEvent ev) {
        WebhookControl.Claim claim;
        try {
            claim = control.claim(account, ev.dedupeKey(), config.processingLease());
        } catch (SdkException e) {
            throw unavailable(e);
        }
        if (claim.done()) {
            return Outcome.DUPLICATE;
        }
        if (!claim.claimed()) {
            // another invocation is keeping it, or died doing so: 200 would stop Kit's retries and could lose the
            // event, so Kit is asked to come back when that claim's lease has run out
            throw new WebhookUnavailable("event " + ev.id() + " is being processed by another invocation",
                    claim.leaseLeft(), null);
        }
        try {
            String reason = ev.problem() != null ? ev.problem() : "unknown event type " + ev.type();
            control.keep(account, ev, reason, Instant.now(clock), config.unknownRetention());
            updater.auditStored(account, ev, reason);
            control.done(account, ev.dedupeKey(), window(ev));
            return Outcome.STORED;
        } catch (SdkException e) {
            release(account, ev);
            throw unavailable(e);
        }
    }

    private void release(String account, InboundEvent ev) {
        try {
            control.release(account, ev.dedupeKey());
        } catch (SdkException e) {
            // the claim expires after the processing lease; Kit's retry gets through then
            LOG.debugf("could not release claim of event %s: %s", ev.id(), e.getClass().getSimpleName());
        }
    }

    private WebhookUnavailable unavailable(SdkException e) {
        return new WebhookUnavailable("DynamoDB unavailable: " + e.getClass().getSimpleName(), config.retryAfter(), e);
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    // workers are named after the invocation thread that starts them, so per-invocation tooling
                    // (log context, the test-time IAM guard) attributes their DynamoDB calls to this function
                    pool = Executors.newFixedThreadPool(config.parallelism(), r -> {
                        Thread t = new Thread(r, Thread.currentThread().getName() + " > webhook-events");
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }

    @PreDestroy
    void shutdown() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
