package io.kitbridge.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.FunctionBoundary;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=lookup. */
public class LookupFunction {
    @Inject LookupService service;

    @Funq("lookup") @FunctionBoundary
    public LookupResult lookup(JsonNode input) {
        return service.lookup(LookupRequest.from(input));
    }
}
