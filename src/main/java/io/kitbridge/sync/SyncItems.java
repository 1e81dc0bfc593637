package io.kitbridge.sync;

import io.kitbridge.store.Attr;
import io.kitbridge.store.Items;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What sync's items in the control table look like: their sort keys, attribute names and the mapping both ways.
 * {@link SyncStateStore} owns the keys' partitions and does the reads and writes; this class does no I/O, so the
 * mapping is tested without DynamoDB ({@code SyncItemsTest}).
 */
final class SyncItems {
    static final String LEASE = "lease";
    private static final String LEASE_MODE = "mode";
    static final String STATE = "state";
    static final String WATERMARK = "watermark";
    private static final String SEEN_PREFIX = "seen#";
    private static final String TAG_PREFIX = "tag#";

    // state attributes
    private static final String RUN_ID = "runId";
    private static final String OWNER = "runOwner";
    private static final String MODE = "mode";
    private static final String PHASE = "phase";
    private static final String STARTED_AT = "startedAt";
    private static final String FINISHED_AT = "finishedAt";
    private static final String FILTER_AFTER = "filterAfter";
    private static final String CURSOR = "cursor";
    private static final String PAGE = "page";
    private static final String CATALOG_LOADED = "catalogLoaded";
    private static final String TAGS_FROM = "tagsFrom";
    private static final String TAG_IDS = "tagIds";
    private static final String TAG_NAMES = "tagNames";
    private static final String TAG_INDEX = "tagIndex";
    private static final String TAG_CURSOR = "tagCursor";
    private static final String TAG_PAGE = "tagPage";
    private static final String SKIPPED_TAGS = "skippedTags";
    private static final String TAG_PAGE_COUNTS = "tagPageCounts";
    private static final String CATALOG_AT = "catalogAt";
    private static final String TAG_READ_AT = "tagReadAt";
    private static final String CURSORS_SEEN = "cursorsSeen";
    private static final String MISSING_AFTER = "missingAfterId";
    private static final String DRIFT_AFTER = "driftAfter";
    private static final String ERRORS = "consecutiveErrors";
    private static final String LAST_ERROR = "lastError";
    private static final String FAILED_WITH = "failedWith";
    private static final String DRIFT_REPORT = "driftReport";
    private static final String STATS = "stats";
    // watermark attributes
    private static final String COMPLETE_START = "lastCompleteStart";
    private static final String COMPLETE_RUN = "lastCompleteRun";
    private static final String COMPLETE_MODE = "lastCompleteMode";
    // chunk attributes
    private static final String IDS = "ids";
    private static final String COUNT = "count";

    private SyncItems() {
    }

    static String seenSk(int page) {
        return SEEN_PREFIX + String.format("%08d", page);
    }

    static String tagSk(int tagIndex, int page) {
        return TAG_PREFIX + String.format("%05d#%08d", tagIndex, page);
    }

    static Map<String, AttributeValue> leaseAttributes(SyncMode mode) {
        return Map.of(LEASE_MODE, Items.s(mode.wireName()));
    }

    static String leaseMode(Map<String, AttributeValue> lease) {
        return Items.strOr(lease, LEASE_MODE, "?");
    }

    /** Where the next incremental run starts: the last complete run's start, mode and id. */
    static Map<String, AttributeValue> watermark(SyncState s) {
        return Map.of(COMPLETE_START, Items.n(s.startedAt), COMPLETE_RUN, Items.s(s.runId),
                COMPLETE_MODE, Items.s(s.mode.wireName()));
    }

    static Optional<Long> lastCompleteStart(Map<String, AttributeValue> watermark) {
        return Items.num(watermark, COMPLETE_START);
    }

    /** One Kit page's ids, compressed ({@link IdCodec}). */
    static Map<String, AttributeValue> idList(long[] ids) {
        return Map.of(IDS, AttributeValue.fromB(SdkBytes.fromByteArray(IdCodec.encode(ids))), COUNT, Items.n(ids.length));
    }

    static long[] ids(Map<String, AttributeValue> idList) {
        return IdCodec.decode(idList.get(IDS).b().asByteArray());
    }

    /** The run state's item (its version is the caller's: the save is a compare-and-set on it). */
    static Map<String, AttributeValue> stateItem(SyncState s, String pk, long now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.PK, Items.s(pk));
        item.put(Attr.SK, Items.s(STATE));
        putText(item, RUN_ID, s.runId);
        putText(item, OWNER, s.owner);
        putText(item, MODE, s.mode.name());
        putText(item, PHASE, s.phase.name());
        putNumber(item, STARTED_AT, s.startedAt);
        putNumber(item, FINISHED_AT, s.finishedAt);
        putText(item, FILTER_AFTER, s.filterAfter);
        putText(item, CURSOR, s.cursor);
        putNumber(item, PAGE, s.page);
        putFlag(item, CATALOG_LOADED, s.catalogLoaded);
        putText(item, TAGS_FROM, s.tagsFrom);
        putNumbers(item, TAG_IDS, s.tagIds);
        putTexts(item, TAG_NAMES, s.tagNames);
        putNumber(item, TAG_INDEX, s.tagIndex);
        putText(item, TAG_CURSOR, s.tagCursor);
        putNumber(item, TAG_PAGE, s.tagPage);
        putNumbers(item, SKIPPED_TAGS, s.skippedTags);
        putNumbers(item, TAG_PAGE_COUNTS, s.tagPageCounts);
        putNumber(item, CATALOG_AT, s.catalogAt);
        putNumbers(item, TAG_READ_AT, s.tagReadAt);
        putTexts(item, CURSORS_SEEN, s.cursorsSeen);
        putNumber(item, MISSING_AFTER, s.missingAfterId);
        putText(item, DRIFT_AFTER, s.driftAfter);
        putNumber(item, ERRORS, s.consecutiveErrors);
        putText(item, LAST_ERROR, s.lastError);
        putText(item, FAILED_WITH, s.failedWith);
        putTexts(item, DRIFT_REPORT, s.driftReport);
        Map<String, AttributeValue> stats = new LinkedHashMap<>();
        s.stats.forEach((k, v) -> stats.put(k, Items.n(v)));
        item.put(STATS, AttributeValue.fromM(stats));
        item.put(Attr.UPDATED_AT, Items.n(now));
        return item;
    }

    static SyncState state(String account, Map<String, AttributeValue> item) {
        SyncState s = new SyncState();
        s.account = account;
        s.runId = Items.strOr(item, RUN_ID, "");
        s.owner = Items.strOr(item, OWNER, "");
        s.mode = SyncMode.valueOf(Items.strOr(item, MODE, SyncMode.FULL.name()));
        s.phase = SyncPhase.valueOf(Items.strOr(item, PHASE, SyncPhase.DONE.name()));
        s.startedAt = Items.numOr(item, STARTED_AT, 0);
        s.finishedAt = Items.numOr(item, FINISHED_AT, 0);
        s.filterAfter = Items.str(item, FILTER_AFTER).orElse(null);
        s.cursor = Items.str(item, CURSOR).orElse(null);
        s.page = (int) Items.numOr(item, PAGE, 0);
        s.catalogLoaded = Items.boolOr(item, CATALOG_LOADED, false);
        // a run stored before include=tags read its memberships from the tag lists: it goes on that way
        s.tagsFrom = Items.strOr(item, TAGS_FROM, SyncState.TAGS_FROM_TAG_LISTS);
        s.tagIds = new ArrayList<>(Items.numberListOf(item, TAG_IDS));
        s.tagNames = new ArrayList<>(Items.stringListOf(item, TAG_NAMES));
        s.tagIndex = (int) Items.numOr(item, TAG_INDEX, 0);
        s.tagCursor = Items.str(item, TAG_CURSOR).orElse(null);
        s.tagPage = (int) Items.numOr(item, TAG_PAGE, 0);
        Items.numberListOf(item, SKIPPED_TAGS).forEach(i -> s.skippedTags.add(i.intValue()));
        Items.numberListOf(item, TAG_PAGE_COUNTS).forEach(i -> s.tagPageCounts.add(i.intValue()));
        s.catalogAt = Items.numOr(item, CATALOG_AT, 0);
        s.tagReadAt = new ArrayList<>(Items.numberListOf(item, TAG_READ_AT));
        s.cursorsSeen.addAll(Items.stringListOf(item, CURSORS_SEEN));
        s.missingAfterId = Items.numOr(item, MISSING_AFTER, 0);
        s.driftAfter = Items.str(item, DRIFT_AFTER).orElse(null);
        s.consecutiveErrors = (int) Items.numOr(item, ERRORS, 0);
        s.lastError = Items.str(item, LAST_ERROR).orElse(null);
        s.failedWith = Items.str(item, FAILED_WITH).orElse(null);
        s.driftReport = new ArrayList<>(Items.stringListOf(item, DRIFT_REPORT));
        AttributeValue stats = item.get(STATS);
        if (stats != null && stats.hasM()) {
            stats.m().forEach((k, v) -> s.stats.put(k, Long.parseLong(v.n())));
        }
        s.version = Items.numOr(item, Attr.VERSION, 0);
        return s;
    }

    /** An unset (null) text is left out: DynamoDB stores no null string. */
    private static void putText(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, Items.s(value));
        }
    }

    private static void putNumber(Map<String, AttributeValue> item, String name, long value) {
        item.put(name, Items.n(value));
    }

    private static void putFlag(Map<String, AttributeValue> item, String name, boolean value) {
        item.put(name, Items.bool(value));
    }

    private static void putNumbers(Map<String, AttributeValue> item, String name, Collection<? extends Number> values) {
        item.put(name, Items.numberList(values));
    }

    private static void putTexts(Map<String, AttributeValue> item, String name, Collection<String> values) {
        item.put(name, Items.stringList(values));
    }
}
