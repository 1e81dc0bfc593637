package io.kitbridge.common;

import org.jboss.logging.MDC;

/**
 * What a log line knows about its invocation, as MDC entries the JSON log format prints under "mdc". The request
 * id key is the one Quarkus's Lambda poll loop already sets; the runtime interface client path sets it itself.
 */
public final class LogContext {
    public static final String REQUEST_ID = "AWSRequestId";
    public static final String ACCOUNT = "account";
    public static final String SYNC_ID = "syncId";

    private LogContext() {
    }

    public static void put(String key, String value) {
        if (value != null && !value.isBlank()) {
            MDC.put(key, value);
        }
    }

    /** Forget what this invocation set (the request id belongs to the runtime loop that set it). */
    public static void clearInvocation() {
        MDC.remove(ACCOUNT);
        MDC.remove(SYNC_ID);
    }

    public static String get(String key) {
        Object value = MDC.get(key);
        return value == null ? null : value.toString();
    }
}
