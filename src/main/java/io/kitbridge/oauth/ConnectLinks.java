package io.kitbridge.oauth;

import io.kitbridge.store.ControlStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Connect links in the control table: 256 random bits handed to the operator once, stored only as their SHA-256
 * hash, bound to an account and its flags, valid for kitbridge.oauth.link-ttl (enforced on read) and spent by the
 * first /oauth/start that presents them for their account.
 */
@ApplicationScoped
class ConnectLinks {
    private static final String PK_PREFIX = "oauth-link#";
    static final String SK = "link";

    @Inject ControlStore control;

    @Inject OAuthConfig config;

    /** A new link; returns its secret value (only the caller ever sees it) and when it expires. */
    Minted mint(String account, boolean replace, boolean allowDifferentKitAccount) {
        String value = Pkce.newState();
        String linkId = UUID.randomUUID().toString();
        ConnectLink link = new ConnectLink(linkId, account, replace, allowDifferentKitAccount);
        control.put(pk(value), SK, link.attributes(), config.linkTtl());
        Instant expiresAt = Instant.ofEpochSecond(control.nowSeconds() + config.linkTtl().toSeconds());
        return new Minted(value, link, expiresAt);
    }

    /**
     * Spends the link if it is known, unexpired, unused and issued for {@code account}. A link presented for
     * another account is left as it is (its holder may still use it for its own account).
     */
    Optional<ConnectLink> spend(String value, String account) {
        String pk = pk(value);
        Optional<ConnectLink> link = control.get(pk, SK).map(ConnectLink::of);
        if (link.isEmpty() || !link.get().account().equals(account)) {
            return Optional.empty();
        }
        // delete-and-return: of two starts racing with one link, only one gets it back
        return control.consume(pk, SK).map(ConnectLink::of).filter(l -> l.account().equals(account));
    }

    static String pk(String value) {
        return PK_PREFIX + Pkce.hash(value);
    }

    record Minted(String value, ConnectLink link, Instant expiresAt) {
        @Override
        public String toString() {
            return "Minted[link=" + link + ", expiresAt=" + expiresAt + "]";
        }
    }
}
