package io.kitbridge.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** Ordered, thread-safe record of every request the simulator answered. Never contains credential values. */
public final class RequestLog {
    private final List<RecordedRequest> entries = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    void add(java.time.Instant at, String method, String path, String query, String credentialKind, int status,
             String body) {
        synchronized (entries) {
            entries.add(new RecordedRequest(seq.incrementAndGet(), at, method, path, query, credentialKind, status,
                    body));
        }
    }

    /** Snapshot of all requests in completion order. */
    public List<RecordedRequest> all() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** Number of requests whose method equals {@code method} (null = any) and whose path fully matches the regex. */
    public long count(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        long c = 0;
        for (RecordedRequest r : all()) {
            if ((method == null || method.equalsIgnoreCase(r.method())) && p.matcher(r.path()).matches()) {
                c++;
            }
        }
        return c;
    }

    /** Non-GET requests to /v4 endpoints. */
    public List<RecordedRequest> mutating() {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : all()) {
            if (!"GET".equalsIgnoreCase(r.method()) && !"HEAD".equalsIgnoreCase(r.method())
                    && r.path().startsWith("/v4/")) {
                out.add(r);
            }
        }
        return out;
    }

    /** Requests whose path fully matches the regex (any method). */
    public List<RecordedRequest> matching(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : all()) {
            if ((method == null || method.equalsIgnoreCase(r.method())) && p.matcher(r.path()).matches()) {
                out.add(r);
            }
        }
        return out;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
