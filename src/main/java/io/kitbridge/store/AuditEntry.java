package io.kitbridge.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** Who changed what for one person, when, and with what result. Mutations always leave one. */
@RegisterForReflection
public record AuditEntry(String at, String action, String email, Long subscriberId, String outcome, String actor,
        Map<String, String> before, Map<String, String> after, String detail) {
}
