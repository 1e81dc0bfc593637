package io.kitbridge.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * What happened to one person. outcome: created | updated | suppressed | planned | failed. A suppressed person
 * is unsubscribed, bounced or complained in Kit and cannot be re-activated by API; {@code reason} says which.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisionResult(Long subscriberId, String email, String state, String outcome, List<String> tagsApplied,
        Map<String, String> fieldsApplied, List<String> warnings, String reason, List<String> plan, String errorType,
        String error) {
    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String SUPPRESSED = "suppressed";
    public static final String PLANNED = "planned";
    public static final String FAILED = "failed";

    static ProvisionResult failed(String email, String errorType, String message) {
        return new ProvisionResult(null, email, null, FAILED, List.of(), Map.of(), List.of(), null, null, errorType, message);
    }
}
