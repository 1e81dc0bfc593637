package io.kitbridge.setup;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.common.FunctionBoundary;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=setup. Input is read as JSON so bad input names its field. */
public class SetupFunction {
    @Inject SetupService service;

    @Funq("setup") @FunctionBoundary
    public SetupResult setup(JsonNode input) {
        return service.setup(input);
    }
}
