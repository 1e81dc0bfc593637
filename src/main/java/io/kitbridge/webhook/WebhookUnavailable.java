package io.kitbridge.webhook;

import java.time.Duration;

/** Something we depend on (DynamoDB, the tag-name lookup) failed: answer 503 so Kit retries; nothing is lost. */
final class WebhookUnavailable extends RuntimeException {
    private final Duration retryAfter;

    WebhookUnavailable(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
