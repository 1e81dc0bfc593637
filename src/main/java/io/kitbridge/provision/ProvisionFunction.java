package io.kitbridge.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.FunctionBoundary;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=provision. Input is read as JSON so bad input names its field. */
public class ProvisionFunction {
    @Inject ProvisionService service;

    @Funq("provision") @FunctionBoundary
    public ProvisionOutput provision(JsonNode input) {
        return service.provision(input);
    }
}
