package io.kitbridge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.store.MirrorObservation.Profile;
import io.kitbridge.store.MirrorObservation.TagSeen;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mirror's ordering rule without DynamoDB or Quarkus: each part takes only observations not older than its own. */
class MirrorMergeTest {
    static final String ACCOUNT = "default";
    static final long ID = 42;
    static final long VIP = 7;
    static final long GOLD = 8;

    static MirrorObservation webhookTag(long at, long tagId, boolean present, String name) {
        return new MirrorObservation(ACCOUNT, ID, new Profile(at, "jane@example.com", "Jane", "active", Map.of()),
                Map.of(tagId, new TagSeen(at, present, name)), 0, MirrorRecord.SOURCE_WEBHOOK, null, true);
    }

    /** A full sync page: profile read at {@code pageAt}, tags as the tag pass saw them, others absent at the catalog. */
    static MirrorObservation syncPage(long pageAt, Map<Long, TagSeen> tags, long catalogAt, String state) {
        return new MirrorObservation(ACCOUNT, ID, new Profile(pageAt, "jane@example.com", "Jane", state, Map.of()), tags,
                catalogAt, MirrorRecord.SOURCE_SYNC, "run-1", false);
    }

    static MirrorRecord stored(MirrorMerge.Result r) {
        assertTrue(r.write(), "expected a write");
        return r.record();
    }

    @Test
    void should_keep_a_webhook_removal_when_a_page_carries_an_older_tag_list() {
        // GIVEN the tag pass saw VIP at t=100, a tag_remove created at t=150 was applied (guards issue 14)
        MirrorRecord afterTagPass = stored(MirrorMerge.merge(null,
                syncPage(90, Map.of(VIP, new TagSeen(100, true, "VIP")), 90, "active"), 1_000));
        MirrorRecord afterWebhook = stored(MirrorMerge.merge(afterTagPass, webhookTag(150, VIP, false, "VIP"), 1_001));
        assertEquals(List.of(), afterWebhook.tags());
        // WHEN the page pass (read at t=200, newer profile) writes the tags the tag pass saw at t=100
        MirrorMerge.Result page = MirrorMerge.merge(afterWebhook,
                syncPage(200, Map.of(VIP, new TagSeen(100, true, "VIP")), 90, "inactive"), 1_002);
        // THEN the profile is the page's, the tag stays removed
        MirrorRecord r = stored(page);
        assertEquals("inactive", r.state());
        assertEquals(List.of(), r.tags());
        assertEquals(List.of(), r.tagIds());
        assertTrue(page.profileApplied());
        assertFalse(page.tagsApplied().contains(VIP));
        assertEquals(150, r.tagObservedAt(VIP));
    }

    @Test
    void should_apply_a_late_delivered_event_that_is_newer_than_what_the_sync_saw() {
        // GIVEN a sync observed the person without GOLD at t=100 (page) / t=90 (catalog)
        MirrorRecord synced = stored(MirrorMerge.merge(null, syncPage(100, Map.of(), 90, "active"), 1_000));
        // WHEN a tag_added created at t=95 arrives now (stamped with its creation, not its arrival)
        MirrorMerge.Result late = MirrorMerge.merge(synced, webhookTag(95, GOLD, true, "Gold"), 5_000);
        // THEN the tag is applied (newer than the catalog's view), the older profile is not
        MirrorRecord r = stored(late);
        assertEquals(List.of("Gold"), r.tags());
        assertFalse(late.profileApplied());
        assertEquals(100, r.eventAt());
        // AND an even older removal of that tag (t=94) changes nothing
        MirrorMerge.Result older = MirrorMerge.merge(r, webhookTag(94, GOLD, false, "Gold"), 5_001);
        assertFalse(older.write());
        assertTrue(older.tagsApplied().isEmpty());
    }

    @Test
    void should_drop_tags_absent_from_a_full_listing_unless_observed_later() {
        // GIVEN VIP from an old sync (t=10) and GOLD added by a webhook at t=300
        MirrorRecord r = stored(MirrorMerge.merge(null, syncPage(10, Map.of(VIP, new TagSeen(10, true, "VIP")), 10,
                "active"), 1));
        r = stored(MirrorMerge.merge(r, webhookTag(300, GOLD, true, "Gold"), 2));
        // WHEN a full sync whose catalog was read at t=200 lists neither
        MirrorRecord after = stored(MirrorMerge.merge(r, syncPage(250, Map.of(), 200, "active"), 3));
        // THEN VIP (seen at 10) is gone, GOLD (seen at 300) stays
        assertEquals(List.of("Gold"), after.tags());
        assertEquals(List.of(GOLD), after.tagIds());
        assertEquals(200, after.tagsAt());
    }

    @Test
    void should_write_nothing_when_a_retry_brings_the_same_observation() {
        MirrorRecord r = stored(MirrorMerge.merge(null, webhookTag(100, VIP, true, "VIP"), 1));
        MirrorMerge.Result again = MirrorMerge.merge(r, webhookTag(100, VIP, true, "VIP"), 2);
        assertFalse(again.write());
        assertTrue(again.profileApplied(), "equal times pass: a retry is idempotent, not stale");
    }

    @Test
    void should_version_every_write_when_the_clock_stands_still() {
        // GIVEN a frozen clock: updatedAt is the compare-and-set version, so it must still move
        MirrorRecord r = stored(MirrorMerge.merge(null, webhookTag(100, VIP, true, "VIP"), 1_000));
        MirrorRecord next = stored(MirrorMerge.merge(r, webhookTag(101, VIP, false, "VIP"), 1_000));
        assertEquals(1_001, next.updatedAt());
    }

    @Test
    void should_keep_ids_of_unnamed_tags_after_the_named_ones() {
        MirrorRecord r = stored(MirrorMerge.merge(null, webhookTag(100, VIP, true, null), 1));
        r = stored(MirrorMerge.merge(r, webhookTag(101, GOLD, true, "Gold"), 2));
        assertEquals(List.of("Gold"), r.tags());
        assertEquals(List.of(GOLD, VIP), r.tagIds());
        // a later named observation fills the name in
        r = stored(MirrorMerge.merge(r, webhookTag(102, VIP, true, "VIP"), 3));
        assertEquals(List.of("Gold", "VIP"), r.tags());
        assertEquals(List.of(GOLD, VIP), r.tagIds());
    }

    @Test
    void should_write_nothing_for_a_tag_only_observation_of_an_unknown_person() {
        MirrorObservation tagOnly = new MirrorObservation(ACCOUNT, ID, null, Map.of(VIP, new TagSeen(5, true, "VIP")), 0,
                MirrorRecord.SOURCE_SYNC, "run", false);
        MirrorMerge.Result r = MirrorMerge.merge(null, tagOnly, 1);
        assertFalse(r.write());
        assertNull(r.record());
    }
}
