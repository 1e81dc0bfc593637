package io.kitbridge.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * One subscriber as the identity mirror knows it. {@code eventAt} is the Kit-side time of the newest
 * change applied (webhook event time or sync read time): an older change never overwrites a newer one.
 */
@RegisterForReflection
public record MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
        Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
        String contentHash, String lastSeenSync, long eventAt) {

    public static final String SOURCE_SYNC = "sync";
    public static final String SOURCE_WEBHOOK = "webhook";
    public static final String SOURCE_PROVISION = "provision";
    public static final String SOURCE_DEPROVISION = "deprovision";
    public static final String STATE_MISSING = "missing";
}
