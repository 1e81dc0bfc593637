package io.kitbridge.errors;

/**
 * An error as a caller of a function sees it. The Lambda {@code errorType} is this exception's class name
 * ({@code io.kitbridge.errors.InvalidInput}, ...), so callers and Step Functions branch on the type, never on the
 * message. The message keeps its "Type: " lead ("InvalidInput: email: ...") for callers written against the
 * earlier contract. One final subclass per documented type (README "Errors"); {@link ErrorTypes} names them.
 */
public abstract class LambdaError extends RuntimeException {
    private final String detail;

    protected LambdaError(String detail) {
        // no stack trace: the caller gets type and message; the cause was logged where it happened
        super(null, null, false, false);
        this.detail = detail == null ? "" : detail;
    }

    /** The short type name, e.g. {@code InvalidInput}. */
    public final String type() {
        return getClass().getSimpleName();
    }

    /** The message without the type. */
    public final String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        return type() + ": " + detail;
    }
}
