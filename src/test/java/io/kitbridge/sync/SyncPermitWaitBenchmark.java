package io.kitbridge.sync;

import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.BenchReport;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The 100k OAuth case of {@link SyncBenchmark} with kitbridge.sync.max-permit-wait=250ms: how much of the 600/min
 * budget sync uses when it may wait briefly in-process instead of a one-second Wait state per permit gap.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "sync-page"),
        @ResourceArg(name = "limit", value = "120"),
        @ResourceArg(name = "oauthLimit", value = "600"),
        @ResourceArg(name = "window", value = "60"),
        @ResourceArg(name = "kitbridge.sync.max-permit-wait", value = "250ms")})
class SyncPermitWaitBenchmark {
    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    ConnectionStore connections;

    @Inject
    CredentialResolver credentials;

    @Test
    void full_sync_of_100k_on_oauth_with_a_250ms_permit_wait() {
        String account = SyncBenchmark.oauthAccount(world, connections, credentials, "bench-oauth-wait");
        BenchReport.write("sync-100k-oauth-permit-wait-250ms", SyncBenchmark.run(world, mirror, 100_000, account, 600));
    }
}
