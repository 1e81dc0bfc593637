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
 * @param error         outcome {@code failed}: the kitbridge error type that ended the execution ({@code reason}
 *                      holds its message); the state machine's Fail state reports both
 */
@RegisterForReflection
public record SyncPageOutput(String account, String mode, String syncId, String runId, String phase, boolean done,
        int waitSeconds, boolean continueAsNew, String outcome, String reason, int loops, String loopExecution,
        Map<String, Long> stats, List<String> drift, String nextExecutionName, String error) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    public SyncPageOutput(String account, String mode, String syncId, String runId, String phase, boolean done,
            int waitSeconds, boolean continueAsNew, String outcome, String reason, int loops, String loopExecution,
            Map<String, Long> stats, List<String> drift) {
        this(account, mode, syncId, runId, phase, done, waitSeconds, continueAsNew, outcome, reason, loops, loopExecution,
                stats, drift, null, null);
    }
}
