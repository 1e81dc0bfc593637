package io.kitbridge.budget;

import io.kitbridge.common.KitbridgeException;
import java.time.Duration;

/** No permit within the caller's bound. {@link #waitHint()} says when one will be free. */
public final class BudgetExhaustedException extends KitbridgeException {
    private final Duration waitHint;

    public BudgetExhaustedException(String budgetKey, Duration waitHint, boolean throttled) {
        super("RateBudgetExhausted", "Kit rate budget " + budgetKey + (throttled ? " is paused after a 429" : " is in use")
                + "; next permit in " + waitHint.toMillis() + " ms");
        this.waitHint = waitHint;
    }

    public Duration waitHint() {
        return waitHint;
    }
}
