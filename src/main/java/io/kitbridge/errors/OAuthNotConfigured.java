package io.kitbridge.errors;

/** This deployment's OAuth client is missing or refused by Kit. */
public final class OAuthNotConfigured extends LambdaError {
    public OAuthNotConfigured(String message) {
        super(message);
    }
}
