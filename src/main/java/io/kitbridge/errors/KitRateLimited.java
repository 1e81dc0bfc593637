package io.kitbridge.errors;

/** Kit answered 429; every caller of that credential pauses. */
public final class KitRateLimited extends LambdaError {
    public KitRateLimited(String message) {
        super(message);
    }
}
