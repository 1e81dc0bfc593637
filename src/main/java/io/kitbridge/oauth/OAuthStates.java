package io.kitbridge.oauth;

import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
    static final String ACCOUNT = "account";
    static final String VERIFIER = "verifier";
    static final String REDIRECT_URI = "redirectUri";
    static final String LINK_ID = "linkId";
    static final String REPLACE = "replace";
    static final String ALLOW_DIFFERENT = "allowDifferentKitAccount";

    @Inject
    ControlStore control;

    @Inject
    OAuthConfig config;

    void save(String state, PendingConnection pending) {
        ConnectLink link = pending.link();
        control.put(pk(state), SK, Map.of(ACCOUNT, Items.s(link.account()), VERIFIER, Items.s(pending.verifier()),
                REDIRECT_URI, Items.s(pending.redirectUri()), LINK_ID, Items.s(link.linkId()),
                REPLACE, Items.bool(link.replace()), ALLOW_DIFFERENT, Items.bool(link.allowDifferentKitAccount())),
                config.stateTtl());
    }

    /** The pending connection, once: absent when the state is unknown, expired or already used. */
    Optional<PendingConnection> consume(String state) {
        return control.consume(pk(state), SK).map(OAuthStates::pending);
    }

    static String pk(String state) {
        return PK_PREFIX + Pkce.hash(state);
    }

    private static PendingConnection pending(Map<String, AttributeValue> item) {
        ConnectLink link = new ConnectLink(Items.strOr(item, LINK_ID, null), Items.strOr(item, ACCOUNT, null),
                Items.boolOr(item, REPLACE, false), Items.boolOr(item, ALLOW_DIFFERENT, false));
        return new PendingConnection(link, Items.strOr(item, VERIFIER, null), Items.strOr(item, REDIRECT_URI, null));
    }
}
