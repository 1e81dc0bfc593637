package io.kitbridge.kit;

import io.kitbridge.common.Secrets;

/**
 * The credential one account uses right now. {@code budgetKey} names its shared rate budget without
 * revealing the secret: accounts that share an API key share its budget, as Kit counts them.
 */
public record KitCredential(String account, CredentialKind kind, String secret, String budgetKey) {

    public static KitCredential apiKey(String account, String key) {
        Secrets.register(key);
        return new KitCredential(account, CredentialKind.API_KEY, key, "key-" + Secrets.fingerprint(key));
    }

    /** OAuth budgets follow the account, not the token, so a refresh does not reset the count. */
    public static KitCredential oauth(String account, String accessToken) {
        Secrets.register(accessToken);
        return new KitCredential(account, CredentialKind.OAUTH, accessToken, "oauth-" + Secrets.fingerprint(account));
    }

    public boolean allowsBulk() {
        return kind == CredentialKind.OAUTH;
    }

    @Override
    public String toString() {
        return "KitCredential[account=" + account + ", kind=" + kind + ", budgetKey=" + budgetKey + "]";
    }
}
