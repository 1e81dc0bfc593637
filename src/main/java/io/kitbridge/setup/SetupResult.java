package io.kitbridge.setup;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * What setup left registered in Kit for the account, and what it removed. Never contains the legacy URL token
 * or the signing secret: {@code targetUrl} is the route without its query.
 */
@RegisterForReflection
public record SetupResult(String account, String webhooks, String targetUrl, List<String> events,
        List<Registration> registrations, List<Removal> removed, int created, int kept, boolean secretStored,
        long kitRequests) {

    /** kind: "legacy" (one event, maybe a tag) or "endpoint" (signed, all events); status: created | kept. */
    @RegisterForReflection
    public record Registration(String kind, long id, List<String> events, Long tagId, String status) {
    }

    /** reason: stale (not wanted any more), duplicate, no-secret (we cannot verify it), mode-switch, recreate. */
    @RegisterForReflection
    public record Removal(String kind, long id, List<String> events, Long tagId, String reason) {
    }
}
