package io.kitbridge.errors;

/** No Kit permit within the caller's bound. */
public final class RateBudgetExhausted extends LambdaError {
    public RateBudgetExhausted(String message) {
        super(message);
    }
}
