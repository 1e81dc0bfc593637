package io.kitbridge.sync;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * The result of one invocation and the input of the next. The state machine ends on {@code done}, continues as a
 * new execution on {@code continueAsNew}, otherwise waits {@code waitSeconds} and calls again.
 *
 * @param syncId        owner of the account's sync lease (the first execution's id); continuations inherit it
 * @param runId         the run whose cursor and working data this lease holder advances
 * @param outcome       running | completed | skipped (another sync holds the lease) | failed
 * @param loops         invocations so far in execution {@code loopExecution}
 * @param stats         counters of the run (see docs/sync.md)
 * @param drift         first findings of the drift check (final output of a full run only)
 * @param nextExecutionName with {@code continueAsNew}: the next execution's name, derived from syncId and the run's
 *                      invocation count, so a retried StartExecution cannot start a second execution
 * @param tagsFrom      where the run takes tag memberships from: {@code subscriber-pages} (include=tags, one pass)
 *                      or {@code tag-lists} (each tag's member list: the fallback when Kit answered subscriber
 *                      pages without {@code tags}, said in {@code reason} and metric SyncTagFallback)
 * @param error         outcome {@code failed}: the kitbridge error type that ended the execution ({@code reason}
 *                      holds its message); the state machine's Fail state reports both
 */
@RegisterForReflection
public record SyncPageOutput(String account, String mode, String syncId, String runId, String phase, boolean done,
        int waitSeconds, boolean continueAsNew, String outcome, String reason, int loops, String loopExecution,
        Map<String, Long> stats, List<String> drift, String nextExecutionName, String error, String tagsFrom) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    /** An output for this lease holder with {@code outcome} and its reason; the rest is named on the builder. */
    static Builder of(String account, String mode, String syncId, String outcome, String reason) {
        return new Builder(account, mode, syncId, outcome, reason);
    }

    /** Builds an output by name (not running; no wait, no stats, no drift unless set). */
    static final class Builder {
        private final String account;
        private final String mode;
        private final String syncId;
        private final String outcome;
        private final String reason;
        private String runId;
        private String phase;
        private boolean done;
        private int waitSeconds;
        private String nextExecutionName;
        private int loops;
        private String loopExecution;
        private Map<String, Long> stats = Map.of();
        private List<String> drift = List.of();
        private String error;
        private String tagsFrom;

        private Builder(String account, String mode, String syncId, String outcome, String reason) {
            this.account = account;
            this.mode = mode;
            this.syncId = syncId;
            this.outcome = outcome;
            this.reason = reason;
        }

        Builder run(String id, String currentPhase, Map<String, Long> runStats) {
            this.runId = id;
            this.phase = currentPhase;
            this.stats = runStats;
            return this;
        }

        Builder done(boolean value) {
            this.done = value;
            return this;
        }

        Builder waitSeconds(int seconds) {
            this.waitSeconds = seconds;
            return this;
        }

        /** Continue as a new execution with this name (null: go on in this execution). */
        Builder continueAsNew(String name) {
            this.nextExecutionName = name;
            return this;
        }

        Builder loops(int count, String execution) {
            this.loops = count;
            this.loopExecution = execution;
            return this;
        }

        Builder drift(List<String> findings) {
            this.drift = findings;
            return this;
        }

        Builder tagsFrom(String source) {
            this.tagsFrom = source;
            return this;
        }

        Builder error(String type) {
            this.error = type;
            return this;
        }

        SyncPageOutput build() {
            return new SyncPageOutput(account, mode, syncId, runId, phase, done, waitSeconds, nextExecutionName != null,
                    outcome, reason, loops, loopExecution, stats, drift, nextExecutionName, error, tagsFrom);
        }
    }
}
