package io.kitbridge.kit;

import io.kitbridge.common.KitbridgeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A failed Kit call, typed by {@link KitErrorKind}, with the HTTP status and Kit's own messages kept.
 * Messages pass through secret redaction; a credential never appears here.
 */
public class KitException extends KitbridgeException {
    private final KitErrorKind kind;
    private final int status;
    private final List<String> kitMessages;
    private final Duration retryAfter;
    private volatile boolean repeatable;

    public KitException(KitErrorKind kind, int status, List<String> kitMessages, Duration retryAfter, String message,
            Throwable cause) {
        super(kind.errorType(), message, cause);
        this.kind = kind;
        this.status = status;
        this.kitMessages = kitMessages == null ? List.of() : List.copyOf(kitMessages);
        this.retryAfter = retryAfter;
    }

    public KitErrorKind kind() {
        return kind;
    }

    /** HTTP status, or 0 when no response arrived (timeout, reset). */
    public int status() {
        return status;
    }

    public List<String> kitMessages() {
        return kitMessages;
    }

    /** Retry-After of a 429/503 when Kit sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean isTransient() {
        return kind.isTransient();
    }

    /** Set by the gateway: the failed request may be sent again (transient fault, request safe to repeat). */
    public boolean isRepeatable() {
        return repeatable;
    }

    KitException repeatable(boolean value) {
        this.repeatable = value;
        return this;
    }
}
