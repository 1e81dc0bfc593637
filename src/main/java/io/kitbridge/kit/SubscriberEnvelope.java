package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** Single-subscriber response; warnings carry Kit's notice of dropped custom fields. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubscriberEnvelope(Subscriber subscriber, List<String> warnings) {
    public List<String> warningsOrEmpty() {
        return warnings == null ? List.of() : warnings;
    }
}
