package io.kitbridge.errors;

/** A bug or an unforeseen failure; the log line with the same request id has the details. */
public final class Unexpected extends LambdaError {
    public Unexpected(String message) {
        super(message);
    }
}
