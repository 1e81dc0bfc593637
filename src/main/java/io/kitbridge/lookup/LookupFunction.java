package io.kitbridge.lookup;

import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=lookup. */
public class LookupFunction {
    @Inject
    LookupService service;

    @Funq("lookup")
    public LookupResult lookup(LookupRequest request) {
        return service.lookup(request);
    }
}
