package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=deprovision. */
public class DeprovisionFunction {
    @Inject
    DeprovisionService service;

    @Funq("deprovision")
    public DeprovisionResult deprovision(JsonNode input) {
        return service.deprovision(DeprovisionRequest.from(input));
    }
}
