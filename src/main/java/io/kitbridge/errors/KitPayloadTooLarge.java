package io.kitbridge.errors;

/** Kit answered 413. */
public final class KitPayloadTooLarge extends LambdaError {
    public KitPayloadTooLarge(String message) {
        super(message);
    }
}
