package io.kitbridge.errors;

/** DynamoDB failed; every call is idempotent, so repeating it is safe. */
public final class StoreUnavailable extends LambdaError {
    public StoreUnavailable(String message) {
        super(message);
    }
}
