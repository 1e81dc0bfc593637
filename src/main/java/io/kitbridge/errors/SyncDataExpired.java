package io.kitbridge.errors;

/** A sync run's working data expired before the run finished; the next sync starts a new run. */
public final class SyncDataExpired extends LambdaError {
    public SyncDataExpired(String message) {
        super(message);
    }
}
