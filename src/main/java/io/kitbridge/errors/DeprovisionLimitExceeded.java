package io.kitbridge.errors;

/** The per-account hourly guard refused an irreversible unsubscribe. */
public final class DeprovisionLimitExceeded extends LambdaError {
    public DeprovisionLimitExceeded(String message) {
        super(message);
    }
}
