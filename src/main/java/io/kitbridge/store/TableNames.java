package io.kitbridge.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** kitbridge.tables.* — set by template.yaml from the table resources (KITBRIDGE_TABLES_*). */
@ConfigMapping(prefix = "kitbridge.tables")
public interface TableNames {
    /** Credentials, OAuth tokens, webhook secrets (encrypted with a customer-managed KMS key). */
    @WithDefault("kitbridge-connections")
    String connections();

    /** Rate budgets, sync cursors and leases, caches, dedupe records, OAuth states. */
    @WithDefault("kitbridge-control")
    String control();

    /** The identity mirror: subscribers, desired state, audit entries. */
    @WithDefault("kitbridge-mirror")
    String mirror();
}
