package io.kitbridge.deprovision;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** outcome: deprovisioned | already_deprovisioned | not_found | planned. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeprovisionResult(Long subscriberId, String email, List<String> tagsRemoved, String state, String outcome,
        String previousState, List<String> plan, long kitRequests) {
    public static final String DEPROVISIONED = "deprovisioned";
    public static final String ALREADY = "already_deprovisioned";
    public static final String NOT_FOUND = "not_found";
    public static final String PLANNED = "planned";
}
