package io.kitbridge.errors;

/** A secret referenced by ARN could not be read from Secrets Manager (names the ARN, never a value). */
public final class SecretUnavailable extends LambdaError {
    public SecretUnavailable(String message) {
        super(message);
    }
}
