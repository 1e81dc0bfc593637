package io.kitbridge.sync;

import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitConfig;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One sync-page invocation: take (or renew) the account's sync lease, resume the stored run, and do units of work
 * (a Kit page, a slice of the mirror) while bulk permits are free and the invocation's time budget lasts. It never
 * sleeps for a permit: it returns {@code waitSeconds} and the state machine's Wait state does the waiting.
 */
@ApplicationScoped
public class SyncService {
    private static final Logger LOG = Logger.getLogger(SyncService.class);
    static final String LEASE_MODE = "mode";

    @Inject
    SyncConfig config;

    @Inject
    ControlStore control;

    @Inject
    SyncStateStore store;

    @Inject
    CredentialResolver credentials;

    @Inject
    SubscriberPass pages;

    @Inject
    TagPass tags;

    @Inject
    MissingPass missing;

    @Inject
    DriftPass drift;

    @Inject
    KitConfig kitConfig;

    @Inject
    Clock clock;

    @Inject
    InvocationDeadline deadline;

    /** Work on this thread (a token refresh included) knows the invocation's time budget. */
    public SyncPageOutput syncPage(SyncPageInput input) {
        return deadline.within(clock.millis() + config.maxInvocationTime().toMillis(), () -> syncPageWithin(input));
    }

    private SyncPageOutput syncPageWithin(SyncPageInput input) {
        if (input == null) {
            throw new InvalidInputException("input", "expected {\"account\": \"default\", \"mode\": \"full\" | \"incremental\"}");
        }
        String account = CredentialResolver.validateAccount(input.account());
        SyncMode requested = SyncMode.parse(input.mode());
        credentials.resolve(account); // unknown account → InvalidInput, lost authorisation → AccountDisconnected
        String owner = firstNonBlank(input.syncId(), input.execution(), "direct:" + UUID.randomUUID());
        boolean sameExecution = input.loops() != null && Objects.equals(input.execution(), input.loopExecution());
        Invocation call = new Invocation(account, owner, input.execution(), sameExecution ? input.loops() + 1 : 1,
                System.nanoTime());

        String leasePk = SyncStateStore.accountPk(account);
        if (!control.acquireLease(leasePk, SyncStateStore.LEASE, owner, config.leaseTtl(),
                Map.of(LEASE_MODE, Items.s(requested.wireName())))) {
            String holder = control.get(leasePk, SyncStateStore.LEASE)
                    .map(item -> Items.strOr(item, ControlStore.OWNER, "?")).orElse("(just released)");
            LOG.infof("sync of account %s not started: lease held by %s", account, holder);
            return new SyncPageOutput(account, requested.wireName(), owner, null, null, true, 0, false,
                    SyncPageOutput.SKIPPED, "another sync of account '" + account + "' is running (lease held by "
                    + holder + ")", call.loops, call.execution, Map.of(), List.of());
        }
        SyncState s;
        try {
            s = resolveRun(account, owner, requested);
        } catch (SyncStateStore.StateMoved moved) {
            return running(call, store.load(account).orElseThrow(), 0, "run state moved while resuming; continuing");
        }
        if (s.finished()) {
            // a retried final call (its output was lost): the run is complete, answer the same again
            return finish(s, call);
        }
        return work(s, call);
    }

    private SyncPageOutput work(SyncState s, Invocation call) {
        int priorErrors = s.consecutiveErrors;
        boolean progressed = false;
        long budget = config.maxInvocationTime().toNanos();
        long longestUnit = 0;
        int units = 0;
        s.add(SyncState.INVOCATIONS, 1);
        try {
            while (!s.finished()) {
                long elapsed = System.nanoTime() - call.startedNanos;
                if (progressed && elapsed + longestUnit * 3 / 2 > budget) {
                    return running(call, s, 0, "invocation time budget used; continuing at once");
                }
                if (config.maxUnitsPerInvocation() > 0 && units >= config.maxUnitsPerInvocation()) {
                    return running(call, s, 0, "invocation did its " + units + " units of work; continuing at once");
                }
                long unitStart = System.nanoTime();
                s.consecutiveErrors = 0;
                step(s);
                progressed = true;
                units++;
                s.lastError = null;
                longestUnit = Math.max(longestUnit, System.nanoTime() - unitStart);
            }
            return finish(s, call);
        } catch (BudgetExhaustedException noPermit) {
            s.consecutiveErrors = progressed ? 0 : priorErrors;
            return running(call, s, seconds(noPermit.waitHint()), "rate budget: next bulk permit in "
                    + noPermit.waitHint().toMillis() + " ms");
        } catch (KitException e) {
            if (e.kind() == KitErrorKind.RATE_LIMITED) {
                Duration pause = e.retryAfter().orElse(config.maxWait());
                return running(call, s, seconds(pause), "Kit answered 429; every caller of this credential pauses");
            }
            if (!e.isTransient() && e.kind() != KitErrorKind.CIRCUIT_OPEN) {
                throw e;
            }
            if (e.kind() == KitErrorKind.CIRCUIT_OPEN) {
                // not a new failure: the breaker is still pausing calls after earlier ones
                return running(call, s, seconds(kitConfig.circuitBreaker().delay()), e.toString());
            }
            s.consecutiveErrors = (progressed ? 0 : priorErrors) + 1;
            s.lastError = e.toString();
            s.add(SyncState.TRANSIENT_ERRORS, 1);
            if (!store.save(s)) {
                return running(call, store.load(s.account).orElse(s), 0, "run state moved; continuing");
            }
            if (s.consecutiveErrors > config.maxConsecutiveErrors()) {
                throw e;
            }
            long backoff = config.errorBackoff().toMillis() << Math.min(20, s.consecutiveErrors - 1);
            LOG.warnf("sync of account %s: Kit failed (%s), attempt %d; waiting %d ms", s.account, e.getMessage(),
                    s.consecutiveErrors, backoff);
            return running(call, s, seconds(Duration.ofMillis(backoff)), e.toString());
        } catch (SyncStateStore.StateMoved moved) {
            SyncState fresh = store.load(s.account).orElse(s);
            return running(call, fresh, 0, "another invocation advanced this run; continuing from the stored state");
        }
    }

    private void step(SyncState s) {
        switch (s.phase) {
            case TAGS -> tags.stepMemberships(s);
            case PAGES -> pages.step(s);
            case MISSING -> missing.step(s);
            case DRIFT -> drift.step(s);
            case TAG_ADDS -> tags.stepAdds(s);
            case DONE -> {
            }
            default -> throw new IllegalStateException("unknown phase " + s.phase);
        }
    }

    /**
     * The run this lease holder works on: its own, a run a crashed holder left unfinished (resumed from the stored
     * cursor), or a new one.
     */
    private SyncState resolveRun(String account, String owner, SyncMode requested) {
        long now = clock.millis();
        Optional<SyncState> stored = store.load(account);
        if (stored.isPresent()) {
            SyncState s = stored.get();
            if (owner.equals(s.owner)) {
                return s;
            }
            if (s.finished() && s.finishedAt == 0) {
                completeBookkeeping(s); // its holder crashed between the last unit and the watermark
            }
            boolean fresh = now - s.startedAt < config.maxRunAge().toMillis();
            boolean superseded = requested == SyncMode.FULL && s.mode == SyncMode.INCREMENTAL;
            if (!s.finished() && fresh && !superseded) {
                LOG.infof("sync of account %s: resuming run %s (%s, phase %s) left by %s", account, s.runId,
                        s.mode.wireName(), s.phase.wireName(), s.owner);
                s.owner = owner;
                s.consecutiveErrors = 0;
                s.add(SyncState.RESUMED, 1);
                store.saveOrMoved(s);
                return s;
            }
        }
        SyncMode mode = requested;
        String filterAfter = null;
        if (mode == SyncMode.INCREMENTAL) {
            Optional<Long> watermark = store.lastCompleteStart(account);
            if (watermark.isEmpty()) {
                mode = SyncMode.FULL; // nothing to be incremental to
            } else {
                filterAfter = Filters.format(watermark.get() - config.incrementalOverlap().toMillis(), config.filterFormat());
            }
        }
        SyncState s = SyncState.start(account, Long.toString(now, 36) + "-" + UUID.randomUUID().toString().substring(0, 8),
                owner, mode, now, stored.map(v -> v.version).orElse(0L));
        s.filterAfter = filterAfter;
        store.saveOrMoved(s);
        LOG.infof("sync of account %s: run %s started (%s%s)", account, s.runId, mode.wireName(),
                filterAfter == null ? "" : ", updated_after " + filterAfter);
        return s;
    }

    private SyncPageOutput finish(SyncState s, Invocation call) {
        if (s.finishedAt == 0) {
            completeBookkeeping(s);
        }
        control.releaseLease(SyncStateStore.accountPk(s.account), SyncStateStore.LEASE, call.owner);
        LOG.infof("sync of account %s: run %s complete: %s", s.account, s.runId, s.stats);
        return new SyncPageOutput(s.account, s.mode.wireName(), call.owner, s.runId, s.phase.wireName(), true, 0, false,
                SyncPageOutput.COMPLETED, "sync complete", call.loops, call.execution, s.stats, List.copyOf(s.driftReport));
    }

    /** The run is done: its start time becomes the next incremental run's watermark. */
    private void completeBookkeeping(SyncState s) {
        store.putWatermark(s);
        s.finishedAt = clock.millis();
        store.saveOrMoved(s);
    }

    private SyncPageOutput running(Invocation call, SyncState s, int waitSeconds, String reason) {
        boolean handOver = call.execution != null && call.loops >= config.maxInvocationsPerExecution();
        return new SyncPageOutput(s.account, s.mode.wireName(), call.owner, s.runId, s.phase.wireName(), false, waitSeconds,
                handOver, SyncPageOutput.RUNNING, reason, call.loops, call.execution, s.stats, List.of());
    }

    /** ceil(wait) in whole seconds (Wait states count seconds), capped at max-wait; 0 means go on at once. */
    private int seconds(Duration wait) {
        long capped = Math.min(Math.max(0, wait.toMillis()), config.maxWait().toMillis());
        return (int) ((capped + 999) / 1000);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        throw new IllegalArgumentException("no value");
    }

    private record Invocation(String account, String owner, String execution, int loops, long startedNanos) {
    }
}
