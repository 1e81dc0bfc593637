package io.kitbridge.lookup;

import io.kitbridge.store.AuditEntry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/** The mirror's record of one person; history only when asked for. */
@RegisterForReflection
public record LookupResult(String account, long subscriberId, String email, String firstName, String state,
        Map<String, String> fields, List<String> tags, String updatedAt, String source, List<AuditEntry> history) {
}
