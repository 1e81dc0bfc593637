package io.kitbridge.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * One subscriber as the identity mirror knows it, with the Kit-side time of each part's observation:
 * {@code eventAt} for the profile (email, name, state, fields), {@code tagAt} per tag id (present or removed)
 * and {@code tagsAt} for every tag not in {@code tagAt} (when the whole tag set was last observed). A write
 * never replaces a part observed later (see {@link MirrorMerge}).
 */
@RegisterForReflection
public record MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
        Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
        String contentHash, String lastSeenSync, long eventAt, Map<Long, Long> tagAt, long tagsAt) {

    public static final String SOURCE_SYNC = "sync";
    public static final String SOURCE_WEBHOOK = "webhook";
    public static final String SOURCE_PROVISION = "provision";
    public static final String SOURCE_DEPROVISION = "deprovision";
    public static final String STATE_MISSING = "missing";

    public MirrorRecord {
        tagAt = tagAt == null ? Map.of() : Map.copyOf(tagAt);
    }

    /** A record whose tags were all observed together with the profile (at {@code eventAt}). */
    public MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
            Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
            String contentHash, String lastSeenSync, long eventAt) {
        this(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source, contentHash,
                lastSeenSync, eventAt, Map.of(), eventAt);
    }

    /** When this tag's membership (present or absent) was last observed. */
    public long tagObservedAt(long tagId) {
        return tagAt.getOrDefault(tagId, tagsAt);
    }
}
