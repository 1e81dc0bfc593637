package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * Result of a bulk call. A synchronous (<=100 items) call answers 200 with this body; above that Kit
 * answers 202 with an empty body and POSTs this to the callback URL, so {@code accepted} marks that case.
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkResult(List<Subscriber> subscribers, List<Tagging> taggings, List<BulkFailure> failures) {
    public List<BulkFailure> failuresOrEmpty() {
        return failures == null ? List.of() : failures;
    }
}
