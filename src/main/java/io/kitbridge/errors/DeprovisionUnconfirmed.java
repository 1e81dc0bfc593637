package io.kitbridge.errors;

/** Kit accepted an unsubscribe but reading the subscriber back does not confirm it. */
public final class DeprovisionUnconfirmed extends LambdaError {
    public DeprovisionUnconfirmed(String message) {
        super(message);
    }
}
