package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A custom field; subscriber "fields" maps are keyed by {@code key}. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomField(long id, String name, String key, String label) {
}
