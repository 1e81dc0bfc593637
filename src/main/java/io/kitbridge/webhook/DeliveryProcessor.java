package io.kitbridge.webhook;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs the events of one delivery: each is claimed (dedupe; an event claimed elsewhere gets 503 + Retry-After for the
 * rest of that claim's lease), applied or kept, then marked done. Events of one
 * subscriber run in event-time order; different subscribers run concurrently. A dependency failure releases the
 * claim and surfaces as {@link WebhookUnavailable} (503: Kit retries the delivery; what was done stays deduped).
 */
@ApplicationScoped
public class DeliveryProcessor {
    private static final Logger LOG = Logger.getLogger(DeliveryProcessor.class);

    @Inject
    WebhookControl control;

    @Inject
    MirrorUpdater updater;

    @Inject
    WebhookConfig config;

    @Inject
    Clock clock;

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
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        if (groups.size() == 1 || config.parallelism() <= 1) {
            for (List<InboundEvent> group : groups) {
                runGroup(account, group).forEach(o -> counts.merge(o, 1, Integer::sum));
            }
            return counts;
        }
        List<Future<List<Outcome>>> futures = new ArrayList<>();
        for (List<InboundEvent> group : groups) {
            futures.add(pool().submit(() -> runGroup(account, group)));
        }
        WebhookUnavailable unavailable = null;
        for (Future<List<Outcome>> f : futures) {
            try {
                f.get().forEach(o -> counts.merge(o, 1, Integer::sum));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof WebhookUnavailable u) {
                    unavailable = unavailable == null ? u : unavailable;
                } else {
                    throw new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WebhookUnavailable("interrupted", config.retryAfter(), e);
            }
        }
        if (unavailable != null) {
            throw unavailable; // every group finished first: nothing half-claimed is left behind
        }
        return counts;
    }

    private List<Outcome> runGroup(String account, List<InboundEvent> group) {
        List<Outcome> outcomes = new ArrayList<>(group.size());
        for (InboundEvent ev : group) {
            outcomes.add(runOne(account, ev));
        }
        return outcomes;
    }

    private Outcome runOne(String account, InboundEvent ev) {
        Duration window = InboundEvent.KIND_LEGACY.equals(ev.kind()) ? config.legacyDedupeWindow() : config.dedupeWindow();
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
            // another invocation is applying it, or died doing so: 200 would stop Kit's retries and could lose the
            // event, so Kit is asked to come back when that claim's lease has run out
            throw new WebhookUnavailable("event " + ev.id() + " is being processed by another invocation",
                    claim.leaseLeft(), null);
        }
        try {
            Outcome outcome;
            if (ev.actionable()) {
                outcome = updater.apply(account, ev);
            } else {
                String reason = ev.problem() != null ? ev.problem() : "unknown event type " + ev.type();
                control.keep(account, ev, reason, Instant.now(clock), config.unknownRetention());
                updater.auditStored(account, ev, reason);
                outcome = Outcome.STORED;
            }
            control.done(account, ev.dedupeKey(), window);
            return outcome;
        } catch (SdkException e) {
            release(account, ev);
            throw unavailable(e);
        } catch (WebhookUnavailable e) {
            release(account, ev);
            throw e;
        } catch (RuntimeException bug) {
            // not the sender's fault and not transient: keep the event, acknowledge, never make Kit retry for days
            LOG.errorf(bug, "webhook event %s (%s) of account %s could not be applied; kept for inspection", ev.id(),
                    ev.type(), account);
            try {
                control.keep(account, ev, "failed: " + bug.getClass().getSimpleName(), Instant.now(clock),
                        config.unknownRetention());
                control.done(account, ev.dedupeKey(), window);
            } catch (SdkException e) {
                release(account, ev);
                throw unavailable(e);
            }
            return Outcome.FAILED;
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
