package io.kitbridge.kit;

/** API keys get 120 requests/min from Kit, OAuth access tokens 600; only OAuth may use bulk endpoints. */
public enum CredentialKind {
    API_KEY, OAUTH
}
