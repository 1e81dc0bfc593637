package io.kitbridge.sync;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.store.Attr;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import io.kitbridge.store.TableNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Sync's items in the control table. Per account (pk {@code sync#<account>}): the lease, the run state (saved by
 * compare-and-set on its version) and the watermark of the last complete run. Per run (pk
 * {@code syncdata#<account>#<runId>}): compact id lists, one item per Kit page (ids seen, each tag's members).
 * The one class that builds a sync key; {@link SyncService} is the one caller that saves the run state.
 */
@ApplicationScoped
class SyncStateStore {
    static final String LEASE = "lease";
    static final String LEASE_MODE = "mode";
    static final String STATE = "state";
    static final String WATERMARK = "watermark";
    static final String SEEN_PREFIX = "seen#";
    static final String TAG_PREFIX = "tag#";

    // state attributes
    static final String RUN_ID = "runId";
    static final String OWNER = "runOwner";
    static final String MODE = "mode";
    static final String PHASE = "phase";
    static final String STARTED_AT = "startedAt";
    static final String FINISHED_AT = "finishedAt";
    static final String FILTER_AFTER = "filterAfter";
    static final String CURSOR = "cursor";
    static final String PAGE = "page";
    static final String CATALOG_LOADED = "catalogLoaded";
    static final String TAGS_FROM = "tagsFrom";
    static final String TAG_IDS = "tagIds";
    static final String TAG_NAMES = "tagNames";
    static final String TAG_INDEX = "tagIndex";
    static final String TAG_CURSOR = "tagCursor";
    static final String TAG_PAGE = "tagPage";
    static final String SKIPPED_TAGS = "skippedTags";
    static final String TAG_PAGE_COUNTS = "tagPageCounts";
    static final String CATALOG_AT = "catalogAt";
    static final String TAG_READ_AT = "tagReadAt";
    static final String CURSORS_SEEN = "cursorsSeen";
    static final String MISSING_AFTER = "missingAfterId";
    static final String DRIFT_AFTER = "driftAfter";
    static final String ERRORS = "consecutiveErrors";
    static final String LAST_ERROR = "lastError";
    static final String FAILED_WITH = "failedWith";
    static final String DRIFT_REPORT = "driftReport";
    static final String STATS = "stats";
    // watermark attributes
    static final String COMPLETE_START = "lastCompleteStart";
    static final String COMPLETE_RUN = "lastCompleteRun";
    static final String COMPLETE_MODE = "lastCompleteMode";
    // chunk attributes
    static final String IDS = "ids";
    static final String COUNT = "count";

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TableNames tables;

    @Inject
    ControlStore control;

    @Inject
    ParallelIo parallel;

    @Inject
    Clock clock;

    static String accountPk(String account) {
        return "sync#" + account;
    }

    static String dataPk(String account, String runId) {
        return "syncdata#" + account + "#" + runId;
    }

    private static String seenSk(int page) {
        return SEEN_PREFIX + String.format("%08d", page);
    }

    private static String tagSk(int tagIndex, int page) {
        return TAG_PREFIX + String.format("%05d#%08d", tagIndex, page);
    }

    // ---------------------------------------------------------------- lease

    /** Takes (or re-enters) the account's sync lease for {@code owner}; the requested mode is kept for the skipped. */
    boolean acquireLease(String account, String owner, Duration ttl, SyncMode mode) {
        return control.acquireLease(accountPk(account), LEASE, owner, ttl, Map.of(LEASE_MODE, Items.s(mode.wireName())));
    }

    boolean releaseLease(String account, String owner) {
        return control.releaseLease(accountPk(account), LEASE, owner);
    }

    /** Who holds the lease and for which mode (empty when it was just released). */
    Optional<Lease> lease(String account) {
        return control.get(accountPk(account), LEASE).map(item -> new Lease(Items.strOr(item, ControlStore.OWNER, "?"),
                Items.strOr(item, LEASE_MODE, "?")));
    }

    record Lease(String owner, String mode) {
    }

    // ---------------------------------------------------------------- run state

    Optional<SyncState> load(String account) {
        return control.get(accountPk(account), STATE).map(item -> fromItem(account, item));
    }

    /** Compare-and-set: false when another invocation saved a newer version first. */
    boolean save(SyncState s) {
        s.add(SyncState.CONTROL_WRITES, 1);
        Map<String, AttributeValue> item = toItem(s);
        long expected = s.version;
        item.put(Attr.VERSION, Items.n(expected + 1));
        try {
            if (expected == 0) {
                dynamo.putItem(b -> b.tableName(tables.control()).item(item)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", Attr.PK)));
            } else {
                dynamo.putItem(b -> b.tableName(tables.control()).item(item)
                        .conditionExpression("#version = :expected")
                        .expressionAttributeNames(Map.of("#version", Attr.VERSION))
                        .expressionAttributeValues(Map.of(":expected", Items.n(expected))));
            }
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
        s.version = expected + 1;
        return true;
    }

    /** Saves, or throws {@link StateMoved} when another invocation advanced the run (this one is stale). */
    void saveOrMoved(SyncState s) {
        if (!save(s)) {
            throw new StateMoved();
        }
    }

    /** The stored run moved on under us (a zombie invocation, or a retry that overtook us): reload and go on. */
    static final class StateMoved extends RuntimeException {
        StateMoved() {
            super("sync state was saved by another invocation", null, false, false);
        }
    }

    // ---------------------------------------------------------------- watermark

    /** Start time (epoch ms) of the last complete run of the account, any mode. */
    Optional<Long> lastCompleteStart(String account) {
        return control.get(accountPk(account), WATERMARK).flatMap(item -> Items.num(item, COMPLETE_START));
    }

    void putWatermark(SyncState s) {
        control.put(accountPk(s.account), WATERMARK, Map.of(COMPLETE_START, Items.n(s.startedAt),
                COMPLETE_RUN, Items.s(s.runId), COMPLETE_MODE, Items.s(s.mode.wireName())), null);
        s.add(SyncState.CONTROL_WRITES, 1);
    }

    // ---------------------------------------------------------------- working id lists

    /** The ids on subscriber page {@code page} of the run (reprocessing the page overwrites them). */
    void putSeenIds(SyncState s, int page, long[] ids, Duration ttl) {
        putIds(s, seenSk(page), ids, ttl);
    }

    /** The members on page {@code page} of tag {@code tagIndex}'s subscriber list. */
    void putTagIds(SyncState s, int tagIndex, int page, long[] ids, Duration ttl) {
        putIds(s, tagSk(tagIndex, page), ids, ttl);
    }

    /** Every id the run saw on its first {@code pages} subscriber pages. */
    List<long[]> seenIds(String account, String runId, int pages) {
        return ids(account, runId, pages, SyncStateStore::seenSk);
    }

    /** Every member of tag {@code tagIndex} on its first {@code pages} pages. */
    List<long[]> tagIds(String account, String runId, int tagIndex, int pages) {
        return ids(account, runId, pages, page -> tagSk(tagIndex, page));
    }

    private List<long[]> ids(String account, String runId, int pages, IntFunction<String> keyOfPage) {
        return ids(account, runId, IntStream.range(0, pages).mapToObj(keyOfPage).toList());
    }

    /** One Kit page's ids; the key is derived from the page position, so reprocessing a page overwrites it. */
    private void putIds(SyncState s, String sk, long[] ids, Duration ttl) {
        control.put(dataPk(s.account, s.runId), sk, Map.of(IDS, AttributeValue.fromB(SdkBytes.fromByteArray(
                IdCodec.encode(ids))), COUNT, Items.n(ids.length)), ttl);
        s.add(SyncState.CONTROL_WRITES, 1);
    }

    /**
     * The id lists stored under these keys, concatenated (GetItem by key, in parallel: sync-page's role can read
     * items by key but not Query the control table). A missing item is an error: the run's data expired.
     */
    private List<long[]> ids(String account, String runId, List<String> sks) {
        String pk = dataPk(account, runId);
        List<long[]> out = new ArrayList<>();
        parallel.map(sks, 50, chunk -> chunk.stream().map(sk -> control.get(pk, sk)
                .map(item -> IdCodec.decode(item.get(IDS).b().asByteArray()))
                .orElseThrow(() -> new KitbridgeException("SyncDataExpired", "sync data " + pk + " " + sk
                        + " is gone (expired?); the run must start again"))).toList())
                .forEach(out::addAll);
        return out;
    }

    // ---------------------------------------------------------------- mapping

    private Map<String, AttributeValue> toItem(SyncState s) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.PK, Items.s(accountPk(s.account)));
        item.put(Attr.SK, Items.s(STATE));
        item.put(RUN_ID, Items.s(s.runId));
        item.put(OWNER, Items.s(s.owner));
        item.put(MODE, Items.s(s.mode.name()));
        item.put(PHASE, Items.s(s.phase.name()));
        item.put(STARTED_AT, Items.n(s.startedAt));
        item.put(FINISHED_AT, Items.n(s.finishedAt));
        putIfSet(item, FILTER_AFTER, s.filterAfter);
        putIfSet(item, CURSOR, s.cursor);
        item.put(PAGE, Items.n(s.page));
        item.put(CATALOG_LOADED, Items.bool(s.catalogLoaded));
        item.put(TAGS_FROM, Items.s(s.tagsFrom));
        item.put(TAG_IDS, AttributeValue.fromL(s.tagIds.stream().map(id -> Items.n(id)).toList()));
        item.put(TAG_NAMES, Items.stringList(s.tagNames));
        item.put(TAG_INDEX, Items.n(s.tagIndex));
        putIfSet(item, TAG_CURSOR, s.tagCursor);
        item.put(TAG_PAGE, Items.n(s.tagPage));
        item.put(SKIPPED_TAGS, AttributeValue.fromL(s.skippedTags.stream().map(i -> Items.n(i)).toList()));
        item.put(TAG_PAGE_COUNTS, AttributeValue.fromL(s.tagPageCounts.stream().map(i -> Items.n(i)).toList()));
        item.put(CATALOG_AT, Items.n(s.catalogAt));
        item.put(TAG_READ_AT, AttributeValue.fromL(s.tagReadAt.stream().map(t -> Items.n(t)).toList()));
        item.put(CURSORS_SEEN, Items.stringList(s.cursorsSeen));
        item.put(MISSING_AFTER, Items.n(s.missingAfterId));
        putIfSet(item, DRIFT_AFTER, s.driftAfter);
        item.put(ERRORS, Items.n(s.consecutiveErrors));
        putIfSet(item, LAST_ERROR, s.lastError);
        putIfSet(item, FAILED_WITH, s.failedWith);
        item.put(DRIFT_REPORT, Items.stringList(s.driftReport));
        Map<String, AttributeValue> stats = new LinkedHashMap<>();
        s.stats.forEach((k, v) -> stats.put(k, Items.n(v)));
        item.put(STATS, AttributeValue.fromM(stats));
        item.put(Attr.UPDATED_AT, Items.n(clock.millis()));
        return item;
    }

    private static SyncState fromItem(String account, Map<String, AttributeValue> item) {
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
        s.tagIds = numbers(item.get(TAG_IDS));
        s.tagNames = new ArrayList<>(Items.stringListOf(item, TAG_NAMES));
        s.tagIndex = (int) Items.numOr(item, TAG_INDEX, 0);
        s.tagCursor = Items.str(item, TAG_CURSOR).orElse(null);
        s.tagPage = (int) Items.numOr(item, TAG_PAGE, 0);
        numbers(item.get(SKIPPED_TAGS)).forEach(i -> s.skippedTags.add(i.intValue()));
        numbers(item.get(TAG_PAGE_COUNTS)).forEach(i -> s.tagPageCounts.add(i.intValue()));
        s.catalogAt = Items.numOr(item, CATALOG_AT, 0);
        s.tagReadAt = new ArrayList<>(numbers(item.get(TAG_READ_AT)));
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

    private static List<Long> numbers(AttributeValue list) {
        List<Long> out = new ArrayList<>();
        if (list != null && list.hasL()) {
            list.l().forEach(v -> out.add(Long.parseLong(v.n())));
        }
        return out;
    }

    private static void putIfSet(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, Items.s(value));
        }
    }
}
