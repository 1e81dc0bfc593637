package io.kitbridge.errors;

/** Kit answered 404. */
public final class KitNotFound extends LambdaError {
    public KitNotFound(String message) {
        super(message);
    }
}
