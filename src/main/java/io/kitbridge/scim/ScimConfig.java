package io.kitbridge.scim;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** kitbridge.scim.* — the SCIM 2.0 service for identity providers. */
@ConfigMapping(prefix = "kitbridge.scim")
public interface ScimConfig {
    /** After a new token is minted, the previous one stays valid this long, so an IdP can be switched over. */
    @WithDefault("24h")
    Duration tokenOverlap();

    /**
     * SCIM attributes stored in Kit custom fields, as {@code scimPath=kitFieldKey} pairs separated by commas, e.g.
     * {@code name.familyName=last_name,title=job_title,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department=department}.
     */
    Optional<String> attributeMap();

    /** Largest page a list or search returns (ServiceProviderConfig filter.maxResults). */
    @WithDefault("200")
    int maxResults();

    /** Larger request bodies are answered 413 without being parsed. */
    @WithDefault("262144")
    int maxBodyBytes();

    /** Most members one Groups request may add or remove (the rest is refused with 400 tooMany). */
    @WithDefault("1000")
    int maxMemberChanges();

    /**
     * How long one request may spend changing group memberships in Kit before it answers 429 + Retry-After with the
     * progress kept (mirror and audit are written per member), so the IdP's retry continues where it stopped instead
     * of API Gateway cutting the request off at 30 s. At least one member is always changed per request.
     */
    @WithDefault("20s")
    Duration workBudget();

    /** Retry-After for 503s that carry no better figure (DynamoDB down, Kit down without a hint). */
    @WithDefault("30s")
    Duration retryAfter();

    /** Public origin for meta.location (e.g. a custom domain); default: the request's own host. */
    Optional<String> baseUrl();
}
