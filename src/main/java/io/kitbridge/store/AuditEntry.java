package io.kitbridge.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Who changed what for one person, when, and with what result. Mutations always leave one. {@code at} is
 * {@link #TIME}-formatted (sortable as text, it is part of the item's sort key); null lets the store stamp it.
 * Build one with {@link #of} and the {@code with…} methods rather than positional nulls.
 */
@RegisterForReflection
public record AuditEntry(String at, String action, String email, Long subscriberId, String outcome, String actor,
        Map<String, String> before, Map<String, String> after, String detail) {

    /**
     * The one format of audit times: UTC, milliseconds, fixed width, so audit keys sort in time order
     * (Instant.toString drops trailing zeros).
     */
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** An entry stamped by the store when written, about no particular subscriber id, with no before/after. */
    public static AuditEntry of(String action, String actor, String email, String outcome) {
        return new AuditEntry(null, action, email, null, outcome, actor, null, null, null);
    }

    public AuditEntry withAt(String at) {
        return new AuditEntry(at, action, email, subscriberId, outcome, actor, before, after, detail);
    }

    public AuditEntry withSubscriberId(Long subscriberId) {
        return new AuditEntry(at, action, email, subscriberId, outcome, actor, before, after, detail);
    }

    public AuditEntry withChange(Map<String, String> before, Map<String, String> after) {
        return new AuditEntry(at, action, email, subscriberId, outcome, actor, before, after, detail);
    }

    public AuditEntry withDetail(String detail) {
        return new AuditEntry(at, action, email, subscriberId, outcome, actor, before, after, detail);
    }
}
