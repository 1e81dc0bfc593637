package io.kitbridge.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** kitbridge.audit.* — how long audit entries (which name people) are kept. */
@ConfigMapping(prefix = "kitbridge.audit")
public interface AuditConfig {
    /**
     * Audit entries expire this long after they were written: DynamoDB TTL deletes them (late), and readers skip
     * expired ones themselves, so an entry is never shown past its retention.
     */
    @WithDefault("400d")
    Duration retention();
}
