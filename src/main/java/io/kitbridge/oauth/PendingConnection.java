package io.kitbridge.oauth;

/** A started connection waiting for its callback: the link that allowed it, the PKCE verifier, the redirect URI used. */
record PendingConnection(ConnectLink link, String verifier, String redirectUri) {
    String account() {
        return link.account();
    }

    @Override
    public String toString() {
        return "PendingConnection[account=" + account() + ", link=" + link.linkId() + "]";
    }
}
