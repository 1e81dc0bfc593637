package io.kitbridge.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** kitbridge.secrets.* — how secrets referenced by ARN are read from AWS Secrets Manager. */
@ConfigMapping(prefix = "kitbridge.secrets")
public interface SecretsConfig {
    /** A secret value is reused this long, then read again: a rotation reaches running functions without a redeploy. */
    @WithDefault("5m")
    Duration cacheTtl();

    /** Secrets Manager endpoint (tests, VPC endpoints); empty = the region's public endpoint. */
    Optional<String> endpointOverride();

    /** Empty = AWS_REGION (always set on Lambda). */
    Optional<String> region();
}
