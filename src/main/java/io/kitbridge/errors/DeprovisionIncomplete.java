package io.kitbridge.errors;

/** A deprovision could not remove everything in its rounds; repeating it is safe. */
public final class DeprovisionIncomplete extends LambdaError {
    public DeprovisionIncomplete(String message) {
        super(message);
    }
}
