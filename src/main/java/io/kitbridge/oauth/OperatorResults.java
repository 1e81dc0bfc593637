package io.kitbridge.oauth;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** What the operator's direct invokes of oauth answer. */
public final class OperatorResults {
    private OperatorResults() {
    }

    /** {"action": "connect-link"}: the URL to open (once, before expiresAt) to connect {@code account}. */
    @RegisterForReflection
    public record Link(String account, String url, String expiresAt, boolean replace, boolean allowDifferentKitAccount) {
        @Override
        public String toString() {
            return "Link[account=" + account + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** {"action": "connections"}. */
    @RegisterForReflection
    public record Connections(List<ConnectionView> connections) {
    }

    /** {"action": "disconnect"}: false when the account had no connection. */
    @RegisterForReflection
    public record Disconnected(String account, boolean disconnected) {
    }
}
