package io.kitbridge.errors;

/** Kit rejected the account's credential (revoked token, wrong key). */
public final class AccountDisconnected extends LambdaError {
    public AccountDisconnected(String message) {
        super(message);
    }
}
