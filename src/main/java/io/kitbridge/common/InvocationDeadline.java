package io.kitbridge.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The time by which the work on this thread must be finished: the invocation's budget (sync-page: its configured
 * max-invocation-time from the start of the call, the way it already paces its units) or a tighter bound around a
 * piece of work (the webhook's tag-name lookup, past which the handler answers and Lambda may freeze the process).
 * Funqy does not hand the Lambda context to functions, so this is how code deep in a call (a token refresh) learns
 * how much time it has; webhook-handler and lookup set their configured max-invocation-time the same way, and every
 * DynamoDB call under a deadline gets timeouts derived from what is left (io.kitbridge.store.DeadlineTimeouts).
 * No deadline set: unbounded.
 */
@ApplicationScoped
public class InvocationDeadline {
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    @Inject Clock clock;

    /** Runs {@code work} on this thread with the given deadline (epoch millis by the injected clock), then restores. */
    public <T> T within(long deadlineMillis, Supplier<T> work) {
        Long previous = DEADLINE.get();
        DEADLINE.set(previous == null ? deadlineMillis : Math.min(previous, deadlineMillis));
        try {
            return work.get();
        } finally {
            if (previous == null) {
                DEADLINE.remove();
            } else {
                DEADLINE.set(previous);
            }
        }
    }

    /** Milliseconds left before this thread's deadline; empty when none is set. */
    public OptionalLong remainingMillis() {
        Long deadline = DEADLINE.get();
        return deadline == null ? OptionalLong.empty() : OptionalLong.of(deadline - clock.millis());
    }

    /** The deadline to hand to work started on another thread (null: none). */
    public Long current() {
        return DEADLINE.get();
    }
}
