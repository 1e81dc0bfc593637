package io.kitbridge.common;

/**
 * Base of every error a function reports. Funqy wraps whatever a function throws in its own
 * ApplicationException, so the Lambda errorType is always that class; the stable type therefore
 * leads the errorMessage ("InvalidInput: email ...") through {@link #toString()}.
 */
public class KitbridgeException extends RuntimeException {
    private final String errorType;

    public KitbridgeException(String errorType, String message) {
        this(errorType, message, null);
    }

    public KitbridgeException(String errorType, String message, Throwable cause) {
        super(Secrets.redact(message), cause);
        this.errorType = errorType;
    }

    /** Stable, documented name a caller can branch on (InvalidInput, KitUnavailable, ...). */
    public String errorType() {
        return errorType;
    }

    @Override
    public String toString() {
        return errorType + ": " + getMessage();
    }
}
