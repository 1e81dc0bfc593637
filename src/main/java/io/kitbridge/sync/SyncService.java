package io.kitbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.common.LogContext;
import io.kitbridge.common.Secrets;
import io.kitbridge.errors.ErrorTypes;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitConfig;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One sync-page invocation: take (or renew) the account's sync lease, resume the stored run, and do units of work
 * (a Kit page, a slice of the mirror) while bulk permits are free and the invocation's time budget lasts. It never
 * sleeps for a permit: it returns {@code waitSeconds} and the state machine's Wait state does the waiting.
 */
@ApplicationScoped
public class SyncService {
    private static final Logger LOG = Logger.getLogger(SyncService.class);

    @Inject SyncConfig config;

    @Inject SyncStateStore store;

    @Inject CredentialResolver credentials;

    @Inject SubscriberPass pages;

    @Inject TagPass tags;

    @Inject MissingPass missing;

    @Inject DriftPass drift;

    @Inject KitConfig kitConfig;

    @Inject Clock clock;

    @Inject InvocationDeadline deadline;

    @Inject SyncMetrics metrics;

    private static final ObjectMapper CAUSE_READER = new ObjectMapper();
    /** "InvalidInput: ..." or "io.kitbridge.errors.InvalidInput: InvalidInput: ...". */
    private static final Pattern TYPE_LEAD = Pattern.compile("(?:" + Pattern.quote(ErrorTypes.PACKAGE) + ")?([A-Z][A-Za-z]+): ");

    /** Work on this thread (a token refresh included) knows the invocation's time budget. */
    public SyncPageOutput syncPage(SyncPageInput input) {
        return deadline.within(clock.millis() + config.maxInvocationTime().toMillis(), () -> syncPageWithin(input));
    }

    private SyncPageOutput syncPageWithin(SyncPageInput input) {
        if (input == null) {
            throw new InvalidInputException("input", "expected {\"account\": \"default\", \"mode\": \"full\" | \"incremental\"}");
        }
        if (input.failure() != null) {
            return afterFailure(input);
        }
        String account = CredentialResolver.validateAccount(input.account());
        SyncMode requested = SyncMode.parse(input.mode());
        credentials.resolve(account); // unknown account → InvalidInput, lost authorisation → AccountDisconnected
        String owner = firstNonBlank(input.syncId(), input.execution(), "direct:" + UUID.randomUUID());
        LogContext.put(LogContext.SYNC_ID, owner);
        boolean sameExecution = input.loops() != null && Objects.equals(input.execution(), input.loopExecution());
        Invocation call = new Invocation(account, owner, input.execution(), sameExecution ? input.loops() + 1 : 1,
                System.nanoTime());

        if (!store.acquireLease(account, owner, config.leaseTtl(), requested)) {
            return skipped(call, requested);
        }
        try {
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
        } catch (KitbridgeException e) {
            if (!ErrorTypes.isTransient(e.errorType())) {
                // repeating cannot help: free the account for the next sync at once instead of after the lease's TTL
                dropRun(account, owner, e.errorType(), e.getMessage());
                store.releaseLease(account, owner);
            }
            throw e;
        }
    }

    /**
     * Another sync holds the lease. An incremental run just ends; a full run turned away by an incremental one asks
     * again after {@code full-retry-delay} (the daily full run must not be lost), up to {@code full-retries} times.
     */
    private SyncPageOutput skipped(Invocation call, SyncMode requested) {
        Optional<SyncStateStore.Lease> lease = store.lease(call.account);
        String holder = lease.map(SyncStateStore.Lease::owner).orElse("(just released)");
        String holderMode = lease.map(SyncStateStore.Lease::mode).orElse("?");
        String reason = "another sync of account '" + call.account + "' is running (lease held by " + holder + ", "
                + holderMode + ")";
        boolean retry = requested == SyncMode.FULL && !SyncMode.FULL.wireName().equals(holderMode);
        metrics.skipped(requested);
        if (retry && call.loops > config.fullRetries()) {
            throw new KitbridgeException("SyncSkipped", "full sync of account '" + call.account + "' asked for the lease "
                    + call.loops + " times and gave up: " + reason);
        }
        LOG.infof("sync of account %s (%s) not started: %s%s", call.account, requested.wireName(), reason,
                retry ? "; asking again in " + config.fullRetryDelay() : "");
        return SyncPageOutput.of(call.account, requested.wireName(), call.owner, SyncPageOutput.SKIPPED, reason)
                .done(!retry).waitSeconds(retry ? (int) Math.max(1, config.fullRetryDelay().toSeconds()) : 0)
                .loops(call.loops, call.execution).build();
    }

    /**
     * The state machine's clean-up call after the execution failed (input {@code failure}): release the lease if
     * this execution chain still holds it, drop its run when the failure is permanent (the next sync starts a new
     * run), and report the kitbridge type and message for the Fail state. Tolerates any input: it must not fail.
     */
    private SyncPageOutput afterFailure(SyncPageInput input) {
        SyncPageInput.Failure failure = input.failure();
        String message = causeMessage(failure.cause());
        // the type from errorType; failing that (a runtime that reported a wrapper class) from the message's lead
        Matcher lead = TYPE_LEAD.matcher(message);
        String type = Optional.ofNullable(ErrorTypes.shortName(failure.error()))
                .or(() -> lead.lookingAt() && ErrorTypes.isKnown(lead.group(1)) ? Optional.of(lead.group(1)) : Optional.empty())
                .orElse(failure.error() == null || failure.error().isBlank() ? ErrorTypes.UNEXPECTED : failure.error());
        if (lead.lookingAt() && message.startsWith(ErrorTypes.PACKAGE)) {
            message = message.substring(message.indexOf(": ") + 2);
        }
        String account = validOrNull(input.account());
        String owner = firstNonBlankOrNull(input.syncId(), input.execution());
        boolean released = false;
        if (account != null && owner != null) {
            if (!ErrorTypes.isTransient(type)) {
                dropRun(account, owner, type, message);
            }
            released = store.releaseLease(account, owner);
        }
        LOG.warnf("sync of account %s failed with %s: %s (lease %s)", account, type, message,
                released ? "released" : "not held by this execution");
        return SyncPageOutput.of(account, input.mode(), owner, SyncPageOutput.FAILED, message).done(true)
                .loops(input.loops() == null ? 0 : input.loops(), input.loopExecution()).error(type).build();
    }

    /** Marks the owner's unfinished run failed, so nobody resumes it: the next sync starts a new run. */
    private void dropRun(String account, String owner, String type, String message) {
        store.load(account).filter(s -> owner.equals(s.owner) && !s.finished() && s.failedWith == null).ifPresent(s -> {
            s.failedWith = type;
            s.lastError = type + ": " + message;
            if (store.save(s)) {
                LOG.infof("sync of account %s: run %s dropped after %s", account, s.runId, type);
            }
        });
    }

    /** Step Functions passes a Lambda error's body as Cause (a JSON string); the local runner passes the message. */
    static String causeMessage(String cause) {
        if (cause == null) {
            return "";
        }
        String trimmed = cause.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode body = CAUSE_READER.readTree(trimmed);
                if (body.hasNonNull("errorMessage")) {
                    return body.get("errorMessage").asText();
                }
            } catch (java.io.IOException notJson) {
                // keep the text as it is
            }
        }
        return trimmed;
    }

    private SyncPageOutput work(SyncState s, Invocation call) {
        long pagesBefore = SyncMetrics.pages(s);
        try {
            return workUnits(s, call);
        } finally {
            metrics.pages(s.mode, SyncMetrics.pages(s) - pagesBefore);
        }
    }

    private SyncPageOutput workUnits(SyncState s, Invocation call) {
        int priorErrors = s.consecutiveErrors;
        boolean progressed = false;
        long budget = config.maxInvocationTime().toNanos();
        long longestUnit = 0;
        int units = 0;
        s.add(SyncStat.INVOCATIONS, 1);
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
                // read the next Kit page while this one is written only if this invocation will get to it: the same
                // two checks as above, one unit on (a page read ahead and not used would cost a request)
                boolean another = (config.maxUnitsPerInvocation() <= 0 || units + 1 < config.maxUnitsPerInvocation())
                        && elapsed + longestUnit * 5 / 2 <= budget;
                step(s, another);
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
            // a malformed body once is more likely a cut connection than a changed API: back off like a 5xx, and
            // only a persistent one fails the run (KitProtocolError is permanent to the state machine)
            if (!e.isTransient() && e.kind() != KitErrorKind.CIRCUIT_OPEN && e.kind() != KitErrorKind.PROTOCOL) {
                throw e;
            }
            if (e.kind() == KitErrorKind.CIRCUIT_OPEN) {
                // not a new failure: the breaker is still pausing calls after earlier ones
                return running(call, s, seconds(kitConfig.circuitBreaker().delay()), e.toString());
            }
            s.consecutiveErrors = (progressed ? 0 : priorErrors) + 1;
            s.lastError = e.toString();
            s.add(SyncStat.TRANSIENT_ERRORS, 1);
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

    /**
     * One unit of the current phase, then the one save of the run state (a pause is thrown on after it).
     * {@code readAhead}: another unit follows in this invocation, so the subscriber pass may read its next page now.
     */
    private void step(SyncState s, boolean readAhead) {
        Step done = switch (s.phase) {
            case TAGS -> tags.stepMemberships(s);
            case PAGES -> pages.step(s, readAhead);
            case MISSING -> missing.step(s);
            case DRIFT -> drift.step(s);
            case TAG_ADDS -> tags.stepAdds(s);
            case DONE -> null;
        };
        if (done == null) {
            return;
        }
        store.saveOrMoved(s);
        if (done.pause() != null) {
            throw done.pause();
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
            if (!s.finished() && fresh && !superseded && s.failedWith == null) {
                LOG.infof("sync of account %s: resuming run %s (%s, phase %s) left by %s", account, s.runId,
                        s.mode.wireName(), s.phase.wireName(), s.owner);
                s.owner = owner;
                s.consecutiveErrors = 0;
                s.add(SyncStat.RESUMED, 1);
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
        store.releaseLease(s.account, call.owner);
        LOG.infof("sync of account %s: run %s complete: %s", s.account, s.runId, s.stats);
        metrics.completed(s);
        return SyncPageOutput.of(s.account, s.mode.wireName(), call.owner, SyncPageOutput.COMPLETED, "sync complete")
                .run(s.runId, s.phase.wireName(), s.stats).tagsFrom(s.tagsFrom).done(true).loops(call.loops, call.execution)
                .drift(List.copyOf(s.driftReport)).build();
    }

    /** The run is done: its start time becomes the next incremental run's watermark. */
    private void completeBookkeeping(SyncState s) {
        store.putWatermark(s);
        s.finishedAt = clock.millis();
        store.saveOrMoved(s);
    }

    private SyncPageOutput running(Invocation call, SyncState s, int waitSeconds, String reason) {
        boolean handOver = call.execution != null && call.loops >= config.maxInvocationsPerExecution();
        return SyncPageOutput.of(s.account, s.mode.wireName(), call.owner, SyncPageOutput.RUNNING, reason)
                .run(s.runId, s.phase.wireName(), s.stats).tagsFrom(s.tagsFrom).waitSeconds(waitSeconds).loops(call.loops, call.execution)
                .continueAsNew(handOver ? nextExecutionName(s, call.owner) : null).build();
    }

    /** ceil(wait) in whole seconds (Wait states count seconds), capped at max-wait; 0 means go on at once. */
    private int seconds(Duration wait) {
        long capped = Math.min(Math.max(0, wait.toMillis()), config.maxWait().toMillis());
        return (int) ((capped + 999) / 1000);
    }

    /**
     * Continue-as-new's execution name: the same for a retried StartExecution of this output (so Step Functions
     * refuses a second execution), different for every handover of the chain (the run's invocation count grows).
     */
    static String nextExecutionName(SyncState s, String owner) {
        String account = s.account.replaceAll("[^A-Za-z0-9_-]", "_");
        if (account.length() > 40) {
            account = account.substring(0, 40);
        }
        String chain = Secrets.fingerprint(owner);
        return "sync-" + account + "-" + chain.substring(0, Math.min(12, chain.length())) + "-"
                + s.stat(SyncStat.INVOCATIONS);
    }

    private static String validOrNull(String account) {
        try {
            return CredentialResolver.validateAccount(account);
        } catch (InvalidInputException invalid) {
            return null;
        }
    }

    private static String firstNonBlankOrNull(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
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
