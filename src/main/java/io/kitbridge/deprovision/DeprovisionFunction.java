package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.FunctionBoundary;
import io.kitbridge.common.StoreFailures;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=deprovision. */
@FunctionBoundary
public class DeprovisionFunction {
    @Inject
    DeprovisionService service;

    @Funq("deprovision")
    public DeprovisionResult deprovision(JsonNode input) {
        return StoreFailures.guard(() -> service.deprovision(DeprovisionRequest.from(input)));
    }
}
