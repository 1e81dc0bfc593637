package io.kitbridge.sim;

import java.time.Instant;

/**
 * One request the simulator answered. Credential values are never recorded; OAuth secrets in bodies are redacted.
 *
 * @param seq            1-based order of completion
 * @param at             simulator wall time when the request arrived
 * @param method         HTTP method
 * @param path           request path (no query)
 * @param query          raw query string or null
 * @param credentialKind api-key | bearer-api-key | oauth | none (kind of credential presented, valid or not)
 * @param status         status answered (-1 for an injected connection reset)
 * @param body           request body, first 4 KB, OAuth secrets redacted
 */
public record RecordedRequest(long seq, Instant at, String method, String path, String query, String credentialKind,
                              int status, String body) {
}
