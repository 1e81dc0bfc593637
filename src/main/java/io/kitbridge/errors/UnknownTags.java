package io.kitbridge.errors;

/** The account lacks these tags; nothing was written. */
public final class UnknownTags extends LambdaError {
    public UnknownTags(String message) {
        super(message);
    }
}
