package io.kitbridge.oauth;

/** A started connection waiting for its callback: which account, the PKCE verifier, the redirect URI used. */
record PendingConnection(String account, String verifier, String redirectUri) {
    @Override
    public String toString() {
        return "PendingConnection[account=" + account + "]";
    }
}
