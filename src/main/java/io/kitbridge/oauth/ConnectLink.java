package io.kitbridge.oauth;

/**
 * What a connect link allows: connect {@code account}, replacing an existing connection only if {@code replace},
 * and with another Kit account than the recorded one only if {@code allowDifferentKitAccount}. {@code linkId} is
 * a public name for audits (the link's value itself is never stored or logged).
 */
record ConnectLink(String linkId, String account, boolean replace, boolean allowDifferentKitAccount) {
}
