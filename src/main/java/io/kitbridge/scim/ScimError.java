package io.kitbridge.scim;

import java.time.Duration;

/**
 * A SCIM error response (RFC 7644 §3.12): HTTP status, optional scimType, a detail safe to show the IdP, and for
 * 429/503 how long the IdP should wait before retrying.
 */
final class ScimError extends RuntimeException {
    private final int status;
    private final String scimType;
    private final Duration retryAfter;

    ScimError(int status, String scimType, String detail) {
        this(status, scimType, detail, null);
    }

    ScimError(int status, String scimType, String detail, Duration retryAfter) {
        super(detail, null, false, false); // no stack trace: this is an answer, not a failure
        this.status = status;
        this.scimType = scimType;
        this.retryAfter = retryAfter;
    }

    static ScimError badRequest(String scimType, String detail) {
        return new ScimError(400, scimType, detail);
    }

    static ScimError notFound(String detail) {
        return new ScimError(404, null, detail);
    }

    int status() {
        return status;
    }

    String scimType() {
        return scimType;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
