package io.kitbridge.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The progress of one account's current (or last) run, as stored in the control table. Every unit of work (a
 * Kit page, a slice of the mirror) ends with a compare-and-set save of this state, so a lost output or a crashed
 * invocation resumes from the last stored cursor, and a stale (zombie) invocation cannot overwrite newer progress.
 */
final class SyncState {

    /** Where a run takes tag memberships from (output field {@code tagsFrom}). */
    private static final String TAGS_FROM_PAGES = "subscriber-pages";
    static final String TAGS_FROM_TAG_LISTS = "tag-lists";

    String account;
    String runId;
    String owner;
    SyncMode mode;
    SyncPhase phase;
    long startedAt;
    long finishedAt;
    /** updated_after / tagged_after value of an incremental run (already formatted for Kit). */
    String filterAfter;
    String cursor;
    int page;
    boolean catalogLoaded;
    /**
     * {@link #TAGS_FROM_PAGES}: memberships come with each subscriber item ({@code include=tags}); {@link
     * #TAGS_FROM_TAG_LISTS}: from each tag's member list (the fallback when Kit answered without {@code tags}, and
     * runs stored before include=tags existed).
     */
    String tagsFrom = TAGS_FROM_PAGES;
    /** Tag catalog snapshot of the run, sorted by id: memberships are stored by index into it. */
    List<Long> tagIds = new ArrayList<>();
    List<String> tagNames = new ArrayList<>();
    int tagIndex;
    String tagCursor;
    int tagPage;
    Set<Integer> skippedTags = new LinkedHashSet<>();
    /** When the tag catalog was read: a tag not in it was observed absent (deleted) at this time. */
    long catalogAt;
    /** Per tag index, when its first member page was read: the observation time of that tag's memberships. */
    List<Long> tagReadAt = new ArrayList<>();
    /** Digests of the cursors already followed in the current listing: a repeat is a Kit protocol error. */
    Set<String> cursorsSeen = new LinkedHashSet<>();
    /** Pages stored per tag index (their id lists are read back by key). */
    List<Integer> tagPageCounts = new ArrayList<>();
    long missingAfterId;
    String driftAfter;
    int consecutiveErrors;
    String lastError;
    /** Set when a permanent failure ended the run: it is never resumed, the next sync starts a new one. */
    String failedWith;
    List<String> driftReport = new ArrayList<>();
    /** Counters by {@link SyncStat#key()}; a map, so a state stored by another version keeps its counters. */
    Map<String, Long> stats = new LinkedHashMap<>();
    long version;

    static SyncState start(String account, String runId, String owner, SyncMode mode, long now, long previousVersion) {
        SyncState s = new SyncState();
        s.account = account;
        s.runId = runId;
        s.owner = owner;
        s.mode = mode;
        s.phase = mode == SyncMode.FULL ? SyncPhase.TAGS : SyncPhase.PAGES;
        s.startedAt = now;
        s.version = previousVersion;
        return s;
    }

    void add(SyncStat stat, long delta) {
        stats.merge(stat.key(), delta, Long::sum);
    }

    long stat(SyncStat stat) {
        return stats.getOrDefault(stat.key(), 0L);
    }

    boolean tagsFromPages() {
        return TAGS_FROM_PAGES.equals(tagsFrom);
    }

    boolean finished() {
        return phase == SyncPhase.DONE;
    }

    void setTagPages(int tagIndex, int pages) {
        while (tagPageCounts.size() <= tagIndex) {
            tagPageCounts.add(0);
        }
        tagPageCounts.set(tagIndex, pages);
    }

    void setTagReadAt(int tagIndex, long at) {
        while (tagReadAt.size() <= tagIndex) {
            tagReadAt.add(0L);
        }
        tagReadAt.set(tagIndex, at);
    }

    /** Observation time of a tag's memberships (falls back to the catalog read, which came earlier). */
    long tagReadAt(int tagIndex) {
        long at = tagIndex < tagReadAt.size() ? tagReadAt.get(tagIndex) : 0L;
        return at > 0 ? at : catalogAt;
    }

    int tagPages(int tagIndex) {
        return tagIndex < tagPageCounts.size() ? tagPageCounts.get(tagIndex) : 0;
    }
}
