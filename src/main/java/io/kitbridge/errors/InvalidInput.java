package io.kitbridge.errors;

/** The input names a bad field. */
public final class InvalidInput extends LambdaError {
    public InvalidInput(String message) {
        super(message);
    }
}
