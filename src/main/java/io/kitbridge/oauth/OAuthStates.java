package io.kitbridge.oauth;

import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Started connections in the control table, keyed by the hash of their state, expiring after
 * kitbridge.oauth.state-ttl (enforced on read) and consumed on first use: a replayed or forged state finds nothing.
 */
@ApplicationScoped
class OAuthStates {
    static final String PK_PREFIX = "oauth-state#";
    static final String SK = "pending";
    private static final String VERIFIER = "verifier";
    private static final String REDIRECT_URI = "redirectUri";

    @Inject ControlStore control;

    @Inject OAuthConfig config;

    void save(String state, PendingConnection pending) {
        Map<String, AttributeValue> item = new HashMap<>(pending.link().attributes());
        item.put(VERIFIER, Items.s(pending.verifier()));
        item.put(REDIRECT_URI, Items.s(pending.redirectUri()));
        control.put(pk(state), SK, item, config.stateTtl());
    }

    /** The pending connection, once: absent when the state is unknown, expired or already used. */
    Optional<PendingConnection> consume(String state) {
        return control.consume(pk(state), SK).map(OAuthStates::pending);
    }

    static String pk(String state) {
        return PK_PREFIX + Pkce.hash(state);
    }

    private static PendingConnection pending(Map<String, AttributeValue> item) {
        return new PendingConnection(ConnectLink.of(item), Items.strOr(item, VERIFIER, null),
                Items.strOr(item, REDIRECT_URI, null));
    }
}
