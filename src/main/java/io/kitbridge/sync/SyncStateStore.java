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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Sync's items in the control table. Per account (pk {@code sync#<account>}): the lease, the run state (saved by
 * compare-and-set on its version) and the watermark of the last complete run. Per run (pk
 * {@code syncdata#<account>#<runId>}): compact id lists, one item per Kit page (ids seen, each tag's members).
 * The one class that builds a sync partition key and reads or writes these items ({@link SyncItems} says what they
 * look like); {@link SyncService} is the one caller that saves the run state.
 */
@ApplicationScoped
class SyncStateStore {
    @Inject DynamoDbClient dynamo;

    @Inject TableNames tables;

    @Inject ControlStore control;

    @Inject ParallelIo parallel;

    @Inject Clock clock;

    static String accountPk(String account) {
        return "sync#" + account;
    }

    static String dataPk(String account, String runId) {
        return "syncdata#" + account + "#" + runId;
    }

    // ---------------------------------------------------------------- lease

    /** Takes (or re-enters) the account's sync lease for {@code owner}; the requested mode is kept for the skipped. */
    boolean acquireLease(String account, String owner, Duration ttl, SyncMode mode) {
        return control.acquireLease(accountPk(account), SyncItems.LEASE, owner, ttl, SyncItems.leaseAttributes(mode));
    }

    boolean releaseLease(String account, String owner) {
        return control.releaseLease(accountPk(account), SyncItems.LEASE, owner);
    }

    /** Who holds the lease and for which mode (empty when it was just released). */
    Optional<Lease> lease(String account) {
        return control.get(accountPk(account), SyncItems.LEASE).map(item -> new Lease(Items.strOr(item, ControlStore.OWNER, "?"),
                SyncItems.leaseMode(item)));
    }

    record Lease(String owner, String mode) {
    }

    // ---------------------------------------------------------------- run state

    Optional<SyncState> load(String account) {
        return control.get(accountPk(account), SyncItems.STATE).map(item -> SyncItems.state(account, item));
    }

    /** Compare-and-set: false when another invocation saved a newer version first. */
    boolean save(SyncState s) {
        s.add(SyncStat.CONTROL_WRITES, 1);
        Map<String, AttributeValue> item = SyncItems.stateItem(s, accountPk(s.account), clock.millis());
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
        return control.get(accountPk(account), SyncItems.WATERMARK).flatMap(SyncItems::lastCompleteStart);
    }

    void putWatermark(SyncState s) {
        control.put(accountPk(s.account), SyncItems.WATERMARK, SyncItems.watermark(s), null);
        s.add(SyncStat.CONTROL_WRITES, 1);
    }

    // ---------------------------------------------------------------- working id lists

    /** The ids on subscriber page {@code page} of the run (reprocessing the page overwrites them). */
    void putSeenIds(SyncState s, int page, long[] ids, Duration ttl) {
        putIds(s, SyncItems.seenSk(page), ids, ttl);
    }

    /** The members on page {@code page} of tag {@code tagIndex}'s subscriber list. */
    void putTagIds(SyncState s, int tagIndex, int page, long[] ids, Duration ttl) {
        putIds(s, SyncItems.tagSk(tagIndex, page), ids, ttl);
    }

    /** Every id the run saw on its first {@code pages} subscriber pages. */
    List<long[]> seenIds(String account, String runId, int pages) {
        return ids(account, runId, pages, SyncItems::seenSk);
    }

    /** Every member of tag {@code tagIndex} on its first {@code pages} pages. */
    List<long[]> tagIds(String account, String runId, int tagIndex, int pages) {
        return ids(account, runId, pages, page -> SyncItems.tagSk(tagIndex, page));
    }

    private List<long[]> ids(String account, String runId, int pages, IntFunction<String> keyOfPage) {
        return ids(account, runId, IntStream.range(0, pages).mapToObj(keyOfPage).toList());
    }

    /** One Kit page's ids; the key is derived from the page position, so reprocessing a page overwrites it. */
    private void putIds(SyncState s, String sk, long[] ids, Duration ttl) {
        control.put(dataPk(s.account, s.runId), sk, SyncItems.idList(ids), ttl);
        s.add(SyncStat.CONTROL_WRITES, 1);
    }

    /**
     * The id lists stored under these keys, concatenated (GetItem by key, in parallel: sync-page's role can read
     * items by key but not Query the control table). A missing item is an error: the run's data expired.
     */
    private List<long[]> ids(String account, String runId, List<String> sks) {
        String pk = dataPk(account, runId);
        List<long[]> out = new ArrayList<>();
        parallel.map(sks, 50, chunk -> chunk.stream().map(sk -> control.get(pk, sk)
                .map(SyncItems::ids)
                .orElseThrow(() -> new KitbridgeException("SyncDataExpired", "sync data " + pk + " " + sk
                        + " is gone (expired?); the run must start again"))).toList())
                .forEach(out::addAll);
        return out;
    }

}
