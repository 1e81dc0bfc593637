package io.kitbridge.sim;

import java.util.Objects;

/**
 * A fault to inject into matching requests.
 *
 * @param method        HTTP method to match, null = any
 * @param pathPrefix    request path prefix to match (e.g. "/v4/subscribers"), null = any
 * @param kind          what to do
 * @param status        status for STATUS/HTML_ERROR; Retry-After seconds for RATE_LIMIT (when &gt; 0)
 * @param latencyMillis delay before acting (any kind; the whole point of LATENCY)
 * @param times         how many matching requests to affect, -1 = unlimited
 * @param probability   chance a matching request is affected (1.0 = always)
 */
public record Fault(String method, String pathPrefix, FaultKind kind, int status, long latencyMillis, int times,
                    double probability) {

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if (times == 0 || times < -1) {
            throw new IllegalArgumentException("times must be -1 or >= 1");
        }
        if (probability <= 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be in (0, 1]");
        }
        if (latencyMillis < 0) {
            throw new IllegalArgumentException("latencyMillis must be >= 0");
        }
    }

    /** Affect the next matching request only. */
    public static Fault once(String method, String pathPrefix, FaultKind kind, int status) {
        return new Fault(method, pathPrefix, kind, status, 0, 1, 1.0);
    }

    /** Affect the next {@code times} matching requests. */
    public static Fault times(String method, String pathPrefix, FaultKind kind, int status, int times) {
        return new Fault(method, pathPrefix, kind, status, 0, times, 1.0);
    }

    /** Affect every matching request until {@link FaultInjector#clear()}. */
    public static Fault always(String method, String pathPrefix, FaultKind kind, int status) {
        return new Fault(method, pathPrefix, kind, status, 0, -1, 1.0);
    }

    /** Delay every matching request by {@code millis}, then answer normally. */
    public static Fault latency(String method, String pathPrefix, long millis) {
        return new Fault(method, pathPrefix, FaultKind.LATENCY, 0, millis, -1, 1.0);
    }

    /** Affect each matching request with the given probability (deterministic per simulator seed). */
    public static Fault randomly(String method, String pathPrefix, FaultKind kind, int status, double probability) {
        return new Fault(method, pathPrefix, kind, status, 0, -1, probability);
    }

    public Fault withLatency(long millis) {
        return new Fault(method, pathPrefix, kind, status, millis, times, probability);
    }

    public Fault withTimes(int n) {
        return new Fault(method, pathPrefix, kind, status, latencyMillis, n, probability);
    }

    boolean matches(String reqMethod, String path) {
        return (method == null || method.equalsIgnoreCase(reqMethod))
                && (pathPrefix == null || path.startsWith(pathPrefix));
    }
}
