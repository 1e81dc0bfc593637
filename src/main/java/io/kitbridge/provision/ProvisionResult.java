package io.kitbridge.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * What happened to one person. outcome: created | updated | suppressed | planned | failed. A suppressed person
 * is unsubscribed, bounced or complained in Kit and cannot be re-activated by API; {@code reason} says which.
 * Built through the factories below: each outcome fills its own fields.
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

    /** Created or updated in Kit. */
    static ProvisionResult saved(long subscriberId, String email, String state, String outcome, List<String> tagsApplied,
            Map<String, String> fieldsApplied, List<String> warnings) {
        return new ProvisionResult(subscriberId, email, state, outcome, tagsApplied, fieldsApplied, warnings, null, null,
                null, null);
    }

    static ProvisionResult suppressed(long subscriberId, String email, String state, Map<String, String> fieldsApplied,
            List<String> warnings, String reason) {
        return new ProvisionResult(subscriberId, email, state, SUPPRESSED, List.of(), fieldsApplied, warnings, reason, null,
                null, null);
    }

    /** A dry run: what would be done; id and state come from the mirror when it knows the person. */
    static ProvisionResult planned(Long subscriberId, String email, String state, List<String> tags,
            Map<String, String> fields, List<String> warnings, List<String> plan) {
        return new ProvisionResult(subscriberId, email, state, PLANNED, tags, fields, warnings, null, plan, null, null);
    }

    boolean isProvisioned() {
        return CREATED.equals(outcome) || UPDATED.equals(outcome);
    }

    /** This result once its tags were applied by a later (bulk) call. */
    ProvisionResult withTagsApplied(List<String> tags) {
        return new ProvisionResult(subscriberId, email, state, outcome, tags, fieldsApplied, warnings, reason, plan, null,
                null);
    }

    /** The subscriber was saved but a later (bulk) tagging call refused some of its tags. */
    ProvisionResult taggingFailed(List<String> problems) {
        return new ProvisionResult(subscriberId, email, state, FAILED, List.of(), fieldsApplied, warnings, null, null,
                "KitRejected", "subscriber saved but tagging failed: " + problems);
    }
}
