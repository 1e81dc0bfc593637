package io.kitbridge.sim;

/** What an injected {@link Fault} does to a matching request. */
public enum FaultKind {
    /** Answer {@code Fault.status} (e.g. 500/502/503) with a JSON {"errors":[...]} body. */
    STATUS,
    /** Answer 502 (or {@code Fault.status} when &gt;= 400) with an HTML error page. */
    HTML_ERROR,
    /** Sleep {@code Fault.latencyMillis}, then handle the request normally. */
    LATENCY,
    /** Send headers and part of the body, then close the connection: the client sees an IOException. */
    RESET,
    /** 200 with an empty body. */
    EMPTY_200,
    /** 200 with the truncated JSON {@code {"subscribers":[{}}. */
    MALFORMED_JSON,
    /** 429 shaped like the dialect's; {@code Fault.status} &gt; 0 is sent as Retry-After seconds. Not a violation. */
    RATE_LIMIT
}
