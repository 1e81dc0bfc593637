package io.kitbridge.errors;

/** The account lacks these custom fields; nothing was written. */
public final class UnknownCustomFields extends LambdaError {
    public UnknownCustomFields(String message) {
        super(message);
    }
}
