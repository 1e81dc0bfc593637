package io.kitbridge.kit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Puts the account's credential on each request: X-Kit-Api-Key (or Bearer, per auth-style) for API
 * keys, Bearer for OAuth tokens. The account travels in an internal header that never leaves the process.
 */
@ApplicationScoped
public class KitAuthFilter implements ClientRequestFilter {
    private static final String API_KEY_HEADER = "X-Kit-Api-Key";

    @Inject CredentialResolver credentials;

    @Inject KitConfig config;

    @Override
    public void filter(ClientRequestContext request) {
        Object account = request.getHeaders().getFirst(KitApi.ACCOUNT_HEADER);
        request.getHeaders().remove(KitApi.ACCOUNT_HEADER);
        Object accessToken = request.getHeaders().getFirst(KitApi.ACCESS_TOKEN_HEADER);
        request.getHeaders().remove(KitApi.ACCESS_TOKEN_HEADER);
        if (accessToken != null) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken);
            return;
        }
        if (account == null) {
            return; // the OAuth token endpoint authenticates with client credentials in the form
        }
        KitCredential credential = credentials.resolve(account.toString());
        if (credential.kind() == CredentialKind.API_KEY && config.authStyle() == KitConfig.AuthStyle.X_KIT_API_KEY) {
            request.getHeaders().putSingle(API_KEY_HEADER, credential.secret());
        } else {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + credential.secret());
        }
    }
}
