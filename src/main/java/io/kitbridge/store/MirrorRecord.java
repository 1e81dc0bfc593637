package io.kitbridge.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * One subscriber as the identity mirror knows it, with the Kit-side time of each part's observation:
 * {@code eventAt} for the profile (email, name, state, fields), {@code tagAt} per tag id (present or removed)
 * and {@code tagsAt} for every tag not in {@code tagAt} (when the whole tag set was last observed). A write
 * never replaces a part observed later (see {@link MirrorMerge}). {@code recentEvents}: dedupe keys of the webhook
 * events applied to this record, each with its expiry (epoch seconds) — the dedupe lives on the item the event
 * changes, so one conditional write both deduplicates and applies (bounded, see {@link MirrorStore#applyEvent}).
 * {@code recentAudits}: the audit entries of the latest webhook events, written in the same conditional write as the
 * change they record (so an applied event costs no separate audit write); {@link MirrorStore#history} reads them
 * with the person's other entries, and past a bound they move to audit items of their own.
 */
@RegisterForReflection
public record MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
        Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
        String contentHash, String lastSeenSync, long eventAt, Map<Long, Long> tagAt, long tagsAt,
        Map<String, Long> recentEvents, List<RecentAudit> recentAudits) {

    public static final String SOURCE_SYNC = "sync";
    public static final String SOURCE_WEBHOOK = "webhook";
    public static final String SOURCE_PROVISION = "provision";
    public static final String SOURCE_DEPROVISION = "deprovision";
    public static final String SOURCE_SCIM = "scim";
    public static final String STATE_MISSING = "missing";

    public MirrorRecord {
        tagAt = tagAt == null ? Map.of() : Map.copyOf(tagAt);
        recentEvents = recentEvents == null ? Map.of() : Map.copyOf(recentEvents);
        recentAudits = recentAudits == null ? List.of() : List.copyOf(recentAudits);
    }

    /**
     * An audit entry kept on the subscriber's item: {@code id} names the audit item it becomes when moved out (so
     * moving it twice writes the same item), {@code expiresAt} (epoch s) is its retention.
     */
    @RegisterForReflection
    public record RecentAudit(String id, long expiresAt, AuditEntry entry) {
    }

    /** A record with these remembered events and no audit entries kept on it. */
    public MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
            Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
            String contentHash, String lastSeenSync, long eventAt, Map<Long, Long> tagAt, long tagsAt,
            Map<String, Long> recentEvents) {
        this(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source, contentHash,
                lastSeenSync, eventAt, tagAt, tagsAt, recentEvents, List.of());
    }

    /** A record with no webhook event remembered on it. */
    public MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
            Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
            String contentHash, String lastSeenSync, long eventAt, Map<Long, Long> tagAt, long tagsAt) {
        this(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source, contentHash,
                lastSeenSync, eventAt, tagAt, tagsAt, Map.of());
    }

    /** This record remembering other webhook events (the same content and version). */
    public MirrorRecord withRecentEvents(Map<String, Long> events) {
        return new MirrorRecord(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source,
                contentHash, lastSeenSync, eventAt, tagAt, tagsAt, events, recentAudits);
    }

    /** This record keeping other audit entries (the same content and version). */
    public MirrorRecord withRecentAudits(List<RecentAudit> audits) {
        return new MirrorRecord(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source,
                contentHash, lastSeenSync, eventAt, tagAt, tagsAt, recentEvents, audits);
    }

    /** This record as a newer version (a write that changes only what is remembered still bumps the version). */
    public MirrorRecord withUpdatedAt(long version) {
        return new MirrorRecord(account, subscriberId, email, firstName, state, fields, tags, tagIds, version, source,
                contentHash, lastSeenSync, eventAt, tagAt, tagsAt, recentEvents, recentAudits);
    }

    /** A record whose tags were all observed together with the profile (at {@code eventAt}). */
    public MirrorRecord(String account, long subscriberId, String email, String firstName, String state,
            Map<String, String> fields, List<String> tags, List<Long> tagIds, long updatedAt, String source,
            String contentHash, String lastSeenSync, long eventAt) {
        this(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source, contentHash,
                lastSeenSync, eventAt, Map.of(), eventAt, Map.of());
    }

    /** When this tag's membership (present or absent) was last observed. */
    public long tagObservedAt(long tagId) {
        return tagAt.getOrDefault(tagId, tagsAt);
    }

    public static Builder builder(String account, long subscriberId) {
        return new Builder(account, subscriberId);
    }

    /** A copy to change: every field as here. */
    public Builder toBuilder() {
        return new Builder(account, subscriberId).email(email).firstName(firstName).state(state).fields(fields).tags(tags)
                .tagIds(tagIds).updatedAt(updatedAt).source(source).contentHash(contentHash).lastSeenSync(lastSeenSync)
                .eventAt(eventAt).tagAt(tagAt).tagsAt(tagsAt);
    }

    /** Unset fields stay null (or 0): no content hash, never seen by a sync. */
    public static final class Builder {
        private final String account;
        private final long subscriberId;
        private String email;
        private String firstName;
        private String state;
        private Map<String, String> fields = Map.of();
        private List<String> tags = List.of();
        private List<Long> tagIds = List.of();
        private long updatedAt;
        private String source;
        private String contentHash;
        private String lastSeenSync;
        private long eventAt;
        private Map<Long, Long> tagAt = Map.of();
        private long tagsAt = -1;

        private Builder(String account, long subscriberId) {
            this.account = account;
            this.subscriberId = subscriberId;
        }

        public Builder email(String email) {
            this.email = email;
            return this;
        }

        public Builder firstName(String firstName) {
            this.firstName = firstName;
            return this;
        }

        public Builder state(String state) {
            this.state = state;
            return this;
        }

        public Builder fields(Map<String, String> fields) {
            this.fields = fields;
            return this;
        }

        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder tagIds(List<Long> tagIds) {
            this.tagIds = tagIds;
            return this;
        }

        public Builder updatedAt(long updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder contentHash(String contentHash) {
            this.contentHash = contentHash;
            return this;
        }

        public Builder lastSeenSync(String lastSeenSync) {
            this.lastSeenSync = lastSeenSync;
            return this;
        }

        public Builder eventAt(long eventAt) {
            this.eventAt = eventAt;
            return this;
        }

        public Builder tagAt(Map<Long, Long> tagAt) {
            this.tagAt = tagAt;
            return this;
        }

        public Builder tagsAt(long tagsAt) {
            this.tagsAt = tagsAt;
            return this;
        }

        /** Written by {@code source} at {@code now}, resting on a Kit observation of the same time. */
        public Builder writtenBy(String source, long now) {
            return source(source).updatedAt(now).eventAt(now);
        }

        public MirrorRecord build() {
            return new MirrorRecord(account, subscriberId, email, firstName, state, fields, tags, tagIds, updatedAt, source,
                    contentHash, lastSeenSync, eventAt, tagAt, tagsAt < 0 ? eventAt : tagsAt);
        }
    }
}
