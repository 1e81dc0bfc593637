package io.kitbridge.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/** Starts an invocation's {@link Deadline} on the process clock; a test replaces this bean to drive deadlines. */
@ApplicationScoped
public class Deadlines {
    @Inject Clock clock;

    public Deadline start(Duration budget) {
        return Deadline.after(clock, budget);
    }
}
