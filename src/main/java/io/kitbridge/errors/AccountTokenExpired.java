package io.kitbridge.errors;

/** The account's OAuth access token expired and could not be refreshed. */
public final class AccountTokenExpired extends LambdaError {
    public AccountTokenExpired(String message) {
        super(message);
    }
}
