package io.kitbridge.oauth;

import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Connect links in the control table: 256 random bits handed to the operator once, stored only as their SHA-256
 * hash, bound to an account and its flags, valid for kitbridge.oauth.link-ttl (enforced on read) and spent by the
 * first /oauth/start that presents them for their account.
 */
@ApplicationScoped
class ConnectLinks {
    static final String PK_PREFIX = "oauth-link#";
    static final String SK = "link";
    static final String LINK_ID = "linkId";
    static final String ACCOUNT = "account";
    static final String REPLACE = "replace";
    static final String ALLOW_DIFFERENT = "allowDifferentKitAccount";

    @Inject
    ControlStore control;

    @Inject
    OAuthConfig config;

    /** A new link; returns its secret value (only the caller ever sees it) and when it expires. */
    Minted mint(String account, boolean replace, boolean allowDifferentKitAccount) {
        String value = Pkce.newState();
        String linkId = UUID.randomUUID().toString();
        ConnectLink link = new ConnectLink(linkId, account, replace, allowDifferentKitAccount);
        control.put(pk(value), SK, attributes(link), config.linkTtl());
        Instant expiresAt = Instant.ofEpochSecond(control.nowSeconds() + config.linkTtl().toSeconds());
        return new Minted(value, link, expiresAt);
    }

    /**
     * Spends the link if it is known, unexpired, unused and issued for {@code account}. A link presented for
     * another account is left as it is (its holder may still use it for its own account).
     */
    Optional<ConnectLink> spend(String value, String account) {
        String pk = pk(value);
        Optional<ConnectLink> link = control.get(pk, SK).map(ConnectLinks::link);
        if (link.isEmpty() || !link.get().account().equals(account)) {
            return Optional.empty();
        }
        // delete-and-return: of two starts racing with one link, only one gets it back
        return control.consume(pk, SK).map(ConnectLinks::link).filter(l -> l.account().equals(account));
    }

    static String pk(String value) {
        return PK_PREFIX + Pkce.hash(value);
    }

    /** The link's attributes as stored (here, and carried on by the OAuth state it starts). */
    static Map<String, AttributeValue> attributes(ConnectLink link) {
        return Map.of(LINK_ID, Items.s(link.linkId()), ACCOUNT, Items.s(link.account()),
                REPLACE, Items.bool(link.replace()), ALLOW_DIFFERENT, Items.bool(link.allowDifferentKitAccount()));
    }

    static ConnectLink link(Map<String, AttributeValue> item) {
        return new ConnectLink(Items.strOr(item, LINK_ID, null), Items.strOr(item, ACCOUNT, null),
                Items.boolOr(item, REPLACE, false), Items.boolOr(item, ALLOW_DIFFERENT, false));
    }

    record Minted(String value, ConnectLink link, Instant expiresAt) {
        @Override
        public String toString() {
            return "Minted[link=" + link + ", expiresAt=" + expiresAt + "]";
        }
    }
}
