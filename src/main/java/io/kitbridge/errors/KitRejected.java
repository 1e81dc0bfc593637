package io.kitbridge.errors;

/** Kit refused the request (400/422), with Kit's messages kept. */
public final class KitRejected extends LambdaError {
    public KitRejected(String message) {
        super(message);
    }
}
