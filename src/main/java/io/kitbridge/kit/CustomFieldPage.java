package io.kitbridge.kit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomFieldPage(@JsonProperty("custom_fields") List<CustomField> customFields, Pagination pagination) implements KitPage<CustomField> {
    @Override
    public List<CustomField> items() {
        return customFields == null ? List.of() : customFields;
    }
}
