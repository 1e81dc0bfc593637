package io.kitbridge.errors;

/** Kit sent something its API does not promise (malformed JSON, empty 200, an endless page chain). */
public final class KitProtocolError extends LambdaError {
    public KitProtocolError(String message) {
        super(message);
    }
}
