package io.kitbridge.oauth;

import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.ControlStore;
import io.quarkus.arc.Arc;
import java.time.Clock;

/** A refresher as a second Lambda would have it: the same tables and Kit, but its own in-process locks. */
final class Refreshers {
    private Refreshers() {
    }

    static OAuthTokenRefresher independent() {
        var c = Arc.container();
        OAuthTokenRefresher r = new OAuthTokenRefresher();
        r.connections = c.instance(ConnectionStore.class).get();
        r.control = c.instance(ControlStore.class).get();
        r.tokens = c.instance(TokenEndpoint.class).get();
        r.audit = c.instance(ConnectionAudit.class).get();
        r.config = c.instance(OAuthConfig.class).get();
        r.clock = c.instance(Clock.class).get();
        r.deadline = c.instance(io.kitbridge.common.InvocationDeadline.class).get();
        return r;
    }
}
