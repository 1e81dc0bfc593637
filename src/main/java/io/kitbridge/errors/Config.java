package io.kitbridge.errors;

/** A deployment setting is missing or invalid. */
public final class Config extends LambdaError {
    public Config(String message) {
        super(message);
    }
}
