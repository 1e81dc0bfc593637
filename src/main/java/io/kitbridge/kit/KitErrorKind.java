package io.kitbridge.kit;

/** What went wrong talking to Kit, and whether repeating the same request may help. */
public enum KitErrorKind {
    TOKEN_EXPIRED("AccountTokenExpired", false),
    UNAUTHORIZED("AccountDisconnected", false),
    FORBIDDEN("KitForbidden", false),
    NOT_FOUND("KitNotFound", false),
    PAYLOAD_TOO_LARGE("KitPayloadTooLarge", false),
    UNPROCESSABLE("KitRejected", false),
    BAD_REQUEST("KitRejected", false),
    RATE_LIMITED("KitRateLimited", false),
    SERVER_ERROR("KitUnavailable", true),
    TRANSPORT("KitUnavailable", true),
    PROTOCOL("KitProtocolError", false),
    CIRCUIT_OPEN("KitUnavailable", false);

    private final String errorType;
    private final boolean transientFault;

    KitErrorKind(String errorType, boolean transientFault) {
        this.errorType = errorType;
        this.transientFault = transientFault;
    }

    public String errorType() {
        return errorType;
    }

    /** 5xx, timeouts and resets: worth a retry if the request is safe to repeat. */
    public boolean isTransient() {
        return transientFault;
    }
}
