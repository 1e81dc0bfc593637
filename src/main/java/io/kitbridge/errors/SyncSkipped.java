package io.kitbridge.errors;

/** A full sync waited for the account's sync lease too many times and gave up. */
public final class SyncSkipped extends LambdaError {
    public SyncSkipped(String message) {
        super(message);
    }
}
