package io.kitbridge.errors;

/** Lookup: the person is not in the mirror. */
public final class NotFound extends LambdaError {
    public NotFound(String message) {
        super(message);
    }
}
