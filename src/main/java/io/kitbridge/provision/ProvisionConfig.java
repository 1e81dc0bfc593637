package io.kitbridge.provision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** kitbridge.provision.* */
@ConfigMapping(prefix = "kitbridge.provision")
public interface ProvisionConfig {
    /** Largest batch one invocation accepts. */
    @WithDefault("1000")
    int maxBatch();

    /** Most tags one person may be given in one call. */
    @WithDefault("100")
    int maxTagsPerPerson();

    /** Most custom fields one person may be given in one call. */
    @WithDefault("100")
    int maxFieldsPerPerson();

    /** Use Kit's bulk endpoints for batches when the credential allows it (OAuth). */
    @WithDefault("true")
    boolean useBulk();
}
