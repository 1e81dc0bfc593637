package io.kitbridge.errors;

/** setup: Kit refused webhook endpoint event types (422); the message names them. */
public final class WebhookEventsRefused extends LambdaError {
    public WebhookEventsRefused(String message) {
        super(message);
    }
}
