package io.kitbridge.store;

import java.util.Map;

/**
 * What one Kit observation says about a subscriber, each part with the Kit-side time it was observed (a sync page's
 * or tag list's read time, a webhook event's creation time, the time of a Kit call's response).
 *
 * @param profile        email, name, state and fields, or null when the observation says nothing about them
 * @param tags           tags the observation saw present or absent, by id
 * @param othersAbsentAt when non-zero: every tag not in {@code tags} was observed absent at this time (a full
 *                       listing of the person's tags)
 * @param keepTimes      also write when only observation times advanced (webhooks: single events, so the
 *                       times protect what they applied); sync writes only changed content
 */
public record MirrorObservation(String account, long subscriberId, Profile profile, Map<Long, TagSeen> tags,
        long othersAbsentAt, String source, String runId, boolean keepTimes) {

    public MirrorObservation {
        tags = tags == null ? Map.of() : tags;
    }

    public record Profile(long at, String email, String firstName, String state, Map<String, String> fields) {
    }

    /** A tag's membership as observed: {@code name} may be null when only the id is known. */
    public record TagSeen(long at, boolean present, String name) {
    }
}
