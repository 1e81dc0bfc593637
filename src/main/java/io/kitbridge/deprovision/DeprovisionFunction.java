package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.FunctionBoundary;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=deprovision. One person, or several ({@code people}) as a batch. */
public class DeprovisionFunction {
    @Inject DeprovisionService service;

    @Inject DeprovisionBatch batch;

    @Funq("deprovision") @FunctionBoundary
    public Object deprovision(JsonNode input) {
        return input != null && input.has("people") ? batch.deprovision(input)
                : service.deprovision(DeprovisionRequest.from(input));
    }
}
