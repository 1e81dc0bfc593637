package io.kitbridge.sync;

import io.kitbridge.common.FunctionBoundary;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;

/** Lambda adapter: QUARKUS_FUNQY_EXPORT=sync-page, driven by infra/statemachine/sync.asl.json. */
public class SyncPageFunction {
    @Inject SyncService service;

    @Funq("sync-page") @FunctionBoundary
    public SyncPageOutput syncPage(SyncPageInput input) {
        return service.syncPage(input);
    }
}
