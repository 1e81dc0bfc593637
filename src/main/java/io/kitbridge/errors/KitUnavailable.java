package io.kitbridge.errors;

/** Kit failed (5xx, timeout, reset) after retries, or the account's circuit breaker is open. */
public final class KitUnavailable extends LambdaError {
    public KitUnavailable(String message) {
        super(message);
    }
}
