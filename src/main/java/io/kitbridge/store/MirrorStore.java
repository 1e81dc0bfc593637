package io.kitbridge.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The identity mirror (mirror table): subscribers by account (+ email index), desired state recorded by
 * provision, and audit entries. Sync, webhooks, provision and deprovision all write here; lookup reads.
 */
@ApplicationScoped
public class MirrorStore {
    private static final String SUB_PREFIX = "sub#";
    private static final String DESIRED_PREFIX = "desired#";
    private static final String AUDIT_PREFIX = "audit#";
    private static final String SUBSCRIBER_ID = "subscriberId";
    private static final String EMAIL = "email";
    private static final String FIRST_NAME = "firstName";
    private static final String STATE = "state";
    private static final String FIELDS = "fields";
    private static final String TAGS = "tags";
    private static final String TAG_IDS = "tagIds";
    private static final String SOURCE = "source";
    private static final String HASH = "contentHash";
    private static final String LAST_SEEN_SYNC = "lastSeenSync";
    private static final String EVENT_AT = "eventAt";
    private static final String TAG_AT = "tagAt";
    private static final String TAGS_AT = "tagsAt";
    private static final String RECENT_EVENTS = "recentEvents";
    private static final String RECENT_AUDITS = "recentAudits";
    private static final String AT = "at";
    private static final String ACTION = "action";
    private static final String OUTCOME = "outcome";
    private static final String ACTOR = "actor";
    private static final String BEFORE = "before";
    private static final String AFTER = "after";
    private static final String DETAIL = "detail";
    /**
     * Webhook event ids remembered on one subscriber item at most (about 50 bytes each). Past it the entries
     * expiring first are dropped: a retry of such an event is re-evaluated, which the ordering rule makes harmless
     * for timed events (equal or older observations change nothing).
     */
    static final int MAX_RECENT_EVENTS = 64;
    /**
     * Audit entries kept on one subscriber item at most (about 325 bytes each: every write of the item pays for
     * them in write units). One more moves them all to audit items of their own in one BatchWriteItem, so a person
     * with a steady stream of events costs 1 extra call per this many events.
     */
    static final int MAX_RECENT_AUDITS = 8;
    private static final int MAX_MERGE_ATTEMPTS = 8;

    @Inject DynamoDbClient dynamo;

    @Inject TableNames tables;

    @Inject Clock clock;

    @Inject AuditConfig auditConfig;

    public static String normalizeEmail(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    public static String subscriberSk(long id) {
        return SUB_PREFIX + String.format("%020d", id);
    }

    // ---------------------------------------------------------------- subscribers

    public Optional<MirrorRecord> get(String account, long subscriberId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.mirror())
                .key(Map.of(Attr.ACCOUNT, Items.s(account), Attr.SK, Items.s(subscriberSk(subscriberId))))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * The records of several subscribers with consistent reads: one BatchGetItem per 100 ids (a webhook delivery
     * reads every person it names in one call). Absent ids are absent from the map.
     */
    public Map<Long, MirrorRecord> getAll(String account, java.util.Collection<Long> subscriberIds) {
        if (subscriberIds.size() == 1) {
            long id = subscriberIds.iterator().next();
            return get(account, id).map(r -> Map.of(id, r)).orElse(Map.of());
        }
        Map<Long, MirrorRecord> out = new HashMap<>();
        List<Long> ids = new ArrayList<>(new java.util.LinkedHashSet<>(subscriberIds));
        List<Map<String, AttributeValue>> keys = ids.stream()
                .map(id -> Map.of(Attr.ACCOUNT, Items.s(account), Attr.SK, Items.s(subscriberSk(id)))).toList();
        BatchCalls.getAll(dynamo, tables.mirror(), keys).forEach(item -> {
            MirrorRecord r = fromItem(item);
            out.put(r.subscriberId(), r);
        });
        return out;
    }

    /** The outcome of {@link #applyEvent}: a duplicate, or the merge and the record as read before it. */
    public record EventApplied(boolean duplicate, MirrorRecord before, MirrorMerge.Result merge, MirrorRecord after) {
    }

    /**
     * Deduplicates, applies and audits one webhook event in one conditional PutItem on the subscriber's item: the
     * event's dedupe key is remembered on the item ({@code recentEvents}, until {@code expiresAtSeconds}), its audit
     * entry is kept on it ({@code recentAudits}, read by {@link #history}), and the write is conditioned on the
     * version read (so on its observation times: {@link MirrorMerge}'s ordering rule holds) and on the key not being
     * remembered yet. The event is recorded even when it changes nothing, so Kit's retry is answered as a duplicate.
     * Contention (another writer in between) re-reads and re-merges.
     *
     * @param read  the record as just read (empty: absent), or null to read it first
     * @param audit the entry for the event, from the record it was merged into and the merge
     * @return the record written ({@code after}), which the caller may pass as {@code read} for the person's next event
     */
    public EventApplied applyEvent(String account, long subscriberId, Optional<MirrorRecord> read, String eventKey,
            long expiresAtSeconds, java.util.function.Function<MirrorRecord, MirrorObservation> observation,
            java.util.function.BiFunction<MirrorRecord, MirrorMerge.Result, AuditEntry> audit) {
        MirrorRecord existing = read != null ? read.orElse(null) : get(account, subscriberId).orElse(null);
        for (int attempt = 1; ; attempt++) {
            long nowSeconds = clock.millis() / 1000;
            Long remembered = existing == null ? null : existing.recentEvents().get(eventKey);
            if (remembered != null && remembered > nowSeconds) {
                return new EventApplied(true, existing, null, existing);
            }
            MirrorMerge.Result result = MirrorMerge.merge(existing, observation.apply(existing), clock.millis());
            if (!result.write() && existing == null) {
                return new EventApplied(false, null, result, null); // nothing to hang it on: the next sync brings the person
            }
            MirrorRecord merged = result.write() ? result.record()
                    : existing.withUpdatedAt(Math.max(clock.millis(), existing.updatedAt() + 1));
            List<MirrorRecord.RecentAudit> audits = new ArrayList<>(existing == null ? List.of() : existing.recentAudits());
            audits.add(recentAudit(audit.apply(existing, result)));
            MirrorRecord record = keepAudits(merged.withRecentEvents(remember(existing, eventKey, expiresAtSeconds,
                    nowSeconds)), audits, true);
            if (putEventIfUnchanged(record, existing, eventKey, nowSeconds)) {
                return new EventApplied(false, existing, result, record);
            }
            if (attempt >= MAX_MERGE_ATTEMPTS) {
                throw new ConcurrentMirrorWrites(account, subscriberId);
            }
            existing = get(account, subscriberId).orElse(null);
        }
    }

    /** The item's remembered events without expired ones, plus this one; the soonest to expire go past the bound. */
    static Map<String, Long> remember(MirrorRecord existing, String eventKey, long expiresAtSeconds, long nowSeconds) {
        Map<String, Long> kept = new HashMap<>();
        if (existing != null) {
            existing.recentEvents().forEach((key, expires) -> {
                if (expires > nowSeconds) {
                    kept.put(key, expires);
                }
            });
        }
        while (kept.size() >= MAX_RECENT_EVENTS) {
            kept.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> kept.remove(e.getKey()));
        }
        kept.put(eventKey, expiresAtSeconds);
        return kept;
    }

    private boolean putEventIfUnchanged(MirrorRecord record, MirrorRecord expected, String eventKey, long nowSeconds) {
        if (expected == null) {
            return putIfUnchanged(record, null);
        }
        // the version read (updatedAt, observation time, content) and "this event not applied yet", in one condition
        Map<String, String> names = new HashMap<>(Map.of("#recent", RECENT_EVENTS, "#event", eventKey));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":now", Items.n(nowSeconds)));
        String condition = stillVersion(expected, names, values)
                + " AND (attribute_not_exists(#recent.#event) OR #recent.#event <= :now)";
        try {
            dynamo.putItem(b -> b.tableName(tables.mirror()).item(toItem(record)).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            return false;
        }
    }

    public Optional<MirrorRecord> findByEmail(String account, String email) {
        String emailKey = account + "#" + normalizeEmail(email);
        QueryResponse response = dynamo.query(b -> b.tableName(tables.mirror()).indexName(Attr.MIRROR_EMAIL_INDEX)
                .keyConditionExpression("#ek = :ek")
                .expressionAttributeNames(Map.of("#ek", Attr.EMAIL_KEY))
                .expressionAttributeValues(Map.of(":ek", Items.s(emailKey))));
        // an email can briefly map to two ids (changed address): prefer the live, most recently updated one
        return response.items().stream().map(this::fromItem)
                .filter(r -> !MirrorRecord.STATE_MISSING.equals(r.state()))
                .max(java.util.Comparator.comparingLong(MirrorRecord::updatedAt));
    }

    /**
     * Unconditional write of a whole item (tests seed records with it): what the item remembers — webhook events
     * applied, audit entries kept on it — is replaced by the record's. Writers of live records use {@link #merge}.
     */
    public void put(MirrorRecord record) {
        dynamo.putItem(b -> b.tableName(tables.mirror()).item(toItem(record)));
    }

    /**
     * Merges an observation into the stored record ({@link MirrorMerge}: no part is replaced by an older
     * observation) and writes the result with a compare-and-set on the version read, re-reading and re-merging
     * when another writer came in between.
     *
     * @param read        the record as just read (empty: absent), or null to read it first
     * @param observation what Kit said, built from the record read (webhooks derive parts of it from the record)
     */
    public MirrorMerge.Result merge(String account, long subscriberId, Optional<MirrorRecord> read,
            java.util.function.Function<MirrorRecord, MirrorObservation> observation) {
        return merge(account, subscriberId, read, observation, this::putIfUnchanged);
    }

    /**
     * {@link #merge} for sync's writes (pages, tag adds, missing, drift): the same ordering rule and compare-and-set,
     * written as an UpdateItem that never names {@code recentEvents}, so a sync write keeps the webhook's dedupe
     * memory whatever the webhook stored there after sync read the item.
     */
    public MirrorMerge.Result mergeFromSync(String account, long subscriberId, Optional<MirrorRecord> read,
            java.util.function.Function<MirrorRecord, MirrorObservation> observation) {
        return merge(account, subscriberId, read, observation, this::updateIfUnchanged);
    }

    private MirrorMerge.Result merge(String account, long subscriberId, Optional<MirrorRecord> read,
            java.util.function.Function<MirrorRecord, MirrorObservation> observation,
            java.util.function.BiPredicate<MirrorRecord, MirrorRecord> writeIfUnchanged) {
        MirrorRecord existing = read != null ? read.orElse(null) : get(account, subscriberId).orElse(null);
        for (int attempt = 1; ; attempt++) {
            MirrorMerge.Result result = MirrorMerge.merge(existing, observation.apply(existing), clock.millis());
            if (!result.write() || writeIfUnchanged.test(result.record(), existing)) {
                return result;
            }
            if (attempt >= MAX_MERGE_ATTEMPTS) {
                throw new ConcurrentMirrorWrites(account, subscriberId);
            }
            existing = get(account, subscriberId).orElse(null);
        }
    }

    /**
     * {@link #putIfUnchanged} as an UpdateItem of every attribute but {@code recentEvents} (attributes the record
     * lacks are removed): same condition, so same compare-and-set, and the webhook's dedupe memory is never written.
     */
    private boolean updateIfUnchanged(MirrorRecord given, MirrorRecord expected) {
        // audit entries kept on the item move to items of their own when sync changes the email (history finds kept
        // entries through the record's email); recentEvents is never written here either way
        MirrorRecord record = expected == null ? given : keepingRemembered(given, expected);
        Map<String, AttributeValue> set = toItem(record);
        set.remove(Attr.ACCOUNT);
        set.remove(Attr.SK);
        set.remove(RECENT_EVENTS);
        List<String> remove = java.util.stream.Stream.of(EMAIL, Attr.EMAIL_KEY, FIRST_NAME, LAST_SEEN_SYNC)
                .filter(name -> !set.containsKey(name)).toList();
        UpdateExpression update = UpdateExpression.of(set, remove);
        Map<String, String> names = new HashMap<>(update.names());
        Map<String, AttributeValue> values = new HashMap<>(update.values());
        String condition;
        if (expected == null) {
            names.put("#csk", Attr.SK);
            condition = "attribute_not_exists(#csk)";
        } else {
            condition = stillVersion(expected, names, values);
        }
        try {
            dynamo.updateItem(b -> b.tableName(tables.mirror())
                    .key(Map.of(Attr.ACCOUNT, Items.s(record.account()), Attr.SK, Items.s(subscriberSk(record.subscriberId()))))
                    .updateExpression(update.expression()).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            return false;
        }
    }

    /**
     * The compare-and-set condition of a mirror write: the stored item is still the version read (its version,
     * observation time and content hash). Adds its names and values (prefix {@code #c}/{@code :c}, clear of the
     * names an update expression uses) and returns the condition.
     */
    private static String stillVersion(MirrorRecord expected, Map<String, String> names, Map<String, AttributeValue> values) {
        names.putAll(Map.of("#cu", Attr.UPDATED_AT, "#ce", EVENT_AT, "#ch", HASH));
        values.putAll(Map.of(":cu", Items.n(expected.updatedAt()), ":ce", Items.n(expected.eventAt())));
        if (expected.contentHash() == null) {
            return "#cu = :cu AND #ce = :ce AND attribute_not_exists(#ch)";
        }
        values.put(":ch", Items.s(expected.contentHash()));
        return "#cu = :cu AND #ce = :ce AND #ch = :ch";
    }

    /** The record kept changing under every merge attempt (a retry later gets through). */
    public static final class ConcurrentMirrorWrites extends RuntimeException {
        ConcurrentMirrorWrites(String account, long subscriberId) {
            super("mirror record of subscriber " + subscriberId + " in account " + account + " kept changing", null,
                    false, false);
        }
    }

    /**
     * Compare-and-set for read-modify-write merges (webhook events): writes only if the stored item is still the
     * version read ({@code expected}; null = still absent). False: someone wrote in between — re-read and retry,
     * so two concurrent events for one person never lose each other's change.
     */
    public boolean putIfUnchanged(MirrorRecord given, MirrorRecord expected) {
        MirrorRecord record = expected == null ? given : keepingRemembered(given, expected);
        try {
            if (expected == null) {
                dynamo.putItem(b -> b.tableName(tables.mirror()).item(toItem(record))
                        .conditionExpression("attribute_not_exists(#sk)")
                        .expressionAttributeNames(Map.of("#sk", Attr.SK)));
            } else {
                Map<String, String> names = new HashMap<>();
                Map<String, AttributeValue> values = new HashMap<>();
                String condition = stillVersion(expected, names, values);
                dynamo.putItem(b -> b.tableName(tables.mirror()).item(toItem(record)).conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values));
            }
            return true;
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            return false;
        }
    }

    /**
     * What the stored item remembers survives a whole-item write built without it (a SCIM change, a record built
     * from Kit's answer): the webhook events applied to it (else Kit's redelivery after that write would be applied
     * again) and the audit entries kept on it. Exact, because the write is conditioned on the item being
     * {@code expected}.
     */
    private MirrorRecord keepingRemembered(MirrorRecord record, MirrorRecord expected) {
        Map<String, Long> events = new HashMap<>(expected.recentEvents());
        events.putAll(record.recentEvents());
        Map<String, MirrorRecord.RecentAudit> audits = new java.util.LinkedHashMap<>();
        expected.recentAudits().forEach(a -> audits.put(a.id(), a));
        record.recentAudits().forEach(a -> audits.put(a.id(), a));
        // moved only when the email changed (rare): one PutItem each, the writers here have no BatchWriteItem
        return keepAudits(record.withRecentEvents(events), new ArrayList<>(audits.values()), false);
    }

    /**
     * The record keeping these audit entries, except expired ones and — moved first to audit items of their own —
     * all but the last when there are more than {@link #MAX_RECENT_AUDITS}, and those filed under another subject
     * than the record's (its email changed: {@link #history} finds kept entries through the record's email).
     */
    private MirrorRecord keepAudits(MirrorRecord record, List<MirrorRecord.RecentAudit> audits, boolean batched) {
        long nowSeconds = clock.millis() / 1000;
        String subject = subject(record);
        List<MirrorRecord.RecentAudit> live = audits.stream().filter(a -> a.expiresAt() > nowSeconds).toList();
        List<MirrorRecord.RecentAudit> kept = new ArrayList<>();
        List<MirrorRecord.RecentAudit> moved = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            MirrorRecord.RecentAudit a = live.get(i);
            boolean last = i == live.size() - 1;
            boolean ours = subject.equals(normalizeEmail(a.entry().email()));
            (ours && (last || live.size() <= MAX_RECENT_AUDITS) ? kept : moved).add(a);
        }
        if (!moved.isEmpty()) {
            // same item keys as before if this write loses a race and the next attempt moves them again
            if (batched) {
                writeAuditItems(record.account(), moved);
            } else {
                moved.forEach(a -> writeAuditItems(record.account(), List.of(a)));
            }
        }
        return record.withRecentAudits(kept);
    }

    private static String subject(MirrorRecord r) {
        return r.email() == null || r.email().isBlank() ? "id:" + r.subscriberId() : normalizeEmail(r.email());
    }

    private MirrorRecord.RecentAudit recentAudit(AuditEntry entry) {
        AuditEntry stamped = entry.at() != null ? entry : entry.withAt(AuditEntry.time(clock.millis()));
        return new MirrorRecord.RecentAudit(UUID.randomUUID().toString(), auditExpiry(), stamped);
    }

    private long auditExpiry() {
        return clock.instant().plus(auditConfig.retention()).getEpochSecond();
    }

    /**
     * BatchWriteItem in chunks of 25, retrying UnprocessedItems with backoff. Returns items written. Replaces whole
     * items like {@link #put}: only for records that carry what their items remember.
     */
    public int putAll(List<MirrorRecord> records) {
        BatchCalls.putAll(dynamo, tables.mirror(), records.stream().map(this::toItem).toList());
        return records.size();
    }

    /**
     * Every subscriber record with {@code fromId <= id <= toId}, in id order (one Query, paged): a page of Kit's id-ordered
     * listing is a contiguous id range, so this reads it with a call or two instead of one read per id.
     */
    public List<MirrorRecord> subscribersBetween(String account, long fromId, long toId) {
        List<MirrorRecord> out = new ArrayList<>();
        queryPages(b -> b.keyConditionExpression("#account = :account AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#account", Attr.ACCOUNT, "#sk", Attr.SK))
                .expressionAttributeValues(Map.of(":account", Items.s(account),
                        ":from", Items.s(subscriberSk(fromId)), ":to", Items.s(subscriberSk(toId))))
                .consistentRead(true), null, Integer.MAX_VALUE, item -> out.add(fromItem(item)));
        return out;
    }

    /**
     * Up to {@code limit} subscriber records with ids greater than {@code afterId}, in id order (resumable scans);
     * fewer than {@code limit} only at the end of the account.
     */
    public List<MirrorRecord> subscribersAfter(String account, long afterId, int limit) {
        List<MirrorRecord> out = new ArrayList<>();
        queryPages(b -> b.keyConditionExpression("#account = :account AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#account", Attr.ACCOUNT, "#sk", Attr.SK))
                .expressionAttributeValues(Map.of(":account", Items.s(account),
                        ":from", Items.s(subscriberSk(afterId + 1)), ":to", Items.s(SUB_PREFIX + "~"))),
                null, limit, item -> out.add(fromItem(item)));
        return out;
    }

    /** Every subscriber item of an account, page by page (for sync's missing pass and tests). */
    public void forEachSubscriber(String account, Consumer<MirrorRecord> consumer) {
        queryPages(prefixQuery(account, SUB_PREFIX), null, Integer.MAX_VALUE, item -> consumer.accept(fromItem(item)));
    }

    // ---------------------------------------------------------------- desired state

    public void putDesired(String account, String email, Map<String, String> fields, List<String> tags) {
        Map<String, AttributeValue> item = desiredItem(account, new DesiredState(email, fields, tags));
        dynamo.putItem(b -> b.tableName(tables.mirror()).item(item));
    }

    /**
     * Desired states and audit entries of one piece of work (a provision batch's people) in BatchWriteItem calls of
     * 25 items: unconditional puts, so they need no read and no item-by-item call.
     */
    public void putDesiredAndAudits(String account, List<DesiredState> desired, List<AuditEntry> audits) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        // one BatchWriteItem refuses two puts of one key: a person given twice keeps the later desired state
        Map<String, DesiredState> byEmail = new java.util.LinkedHashMap<>();
        desired.forEach(d -> byEmail.put(normalizeEmail(d.email()), d));
        byEmail.values().forEach(d -> items.add(desiredItem(account, d)));
        audits.forEach(e -> items.add(auditItem(account, recentAudit(e))));
        BatchCalls.putAll(dynamo, tables.mirror(), items);
    }

    private Map<String, AttributeValue> desiredItem(String account, DesiredState desired) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.ACCOUNT, Items.s(account));
        item.put(Attr.SK, Items.s(DESIRED_PREFIX + normalizeEmail(desired.email())));
        item.put(EMAIL, Items.s(normalizeEmail(desired.email())));
        item.put(FIELDS, Items.stringMap(desired.fields()));
        item.put(TAGS, Items.stringList(desired.tags()));
        item.put(Attr.UPDATED_AT, Items.n(clock.millis()));
        return item;
    }

    /** A deprovisioned person has no desired state: drift repair must not re-apply their old tags. */
    public void deleteDesired(String account, String email) {
        dynamo.deleteItem(b -> b.tableName(tables.mirror())
                .key(Map.of(Attr.ACCOUNT, Items.s(account), Attr.SK, Items.s(DESIRED_PREFIX + normalizeEmail(email)))));
    }

    public Optional<DesiredState> getDesired(String account, String email) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.mirror())
                .key(Map.of(Attr.ACCOUNT, Items.s(account), Attr.SK, Items.s(DESIRED_PREFIX + normalizeEmail(email))))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DesiredState(Items.strOr(item, EMAIL, email), Items.stringMapOf(item, FIELDS),
                Items.stringListOf(item, TAGS)));
    }


    /** Up to {@code limit} desired-state records with emails after {@code afterEmail} (null: from the start), by email. */
    public List<DesiredState> desiredAfter(String account, String afterEmail, int limit) {
        List<DesiredState> out = new ArrayList<>();
        Map<String, AttributeValue> start = afterEmail == null ? null
                : Map.of(Attr.ACCOUNT, Items.s(account), Attr.SK, Items.s(DESIRED_PREFIX + normalizeEmail(afterEmail)));
        queryPages(prefixQuery(account, DESIRED_PREFIX), start, limit, item -> out.add(new DesiredState(
                Items.strOr(item, EMAIL, ""), Items.stringMapOf(item, FIELDS), Items.stringListOf(item, TAGS))));
        return out;
    }

    private static Consumer<QueryRequest.Builder> prefixQuery(
            String account, String prefix) {
        return b -> b.keyConditionExpression("#account = :account AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#account", Attr.ACCOUNT, "#sk", Attr.SK))
                .expressionAttributeValues(Map.of(":account", Items.s(account), ":prefix", Items.s(prefix)));
    }

    /** Runs a mirror Query page after page from {@code start} until it is exhausted or {@code max} items were fed. */
    private void queryPages(Consumer<QueryRequest.Builder> query,
            Map<String, AttributeValue> start, int max, Consumer<Map<String, AttributeValue>> sink) {
        Map<String, AttributeValue> next = start;
        int fed = 0;
        do {
            Map<String, AttributeValue> exclusiveStart = next;
            int remaining = max - fed;
            QueryResponse page = dynamo.query(b -> {
                b.tableName(tables.mirror()).exclusiveStartKey(exclusiveStart);
                query.accept(b);
                if (remaining < Integer.MAX_VALUE) {
                    b.limit(remaining);
                }
            });
            page.items().forEach(sink);
            fed += page.items().size();
            next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (next != null && fed < max);
    }

    public record DesiredState(String email, Map<String, String> fields, List<String> tags) {
    }

    // ---------------------------------------------------------------- audit

    public void audit(String account, AuditEntry entry) {
        Map<String, AttributeValue> item = auditItem(account, recentAudit(entry));
        dynamo.putItem(b -> b.tableName(tables.mirror()).item(item));
    }

    /** Kept entries moved to audit items of their own: one PutItem, or BatchWriteItem calls of 25. */
    private void writeAuditItems(String account, List<MirrorRecord.RecentAudit> audits) {
        if (audits.size() == 1) {
            Map<String, AttributeValue> item = auditItem(account, audits.get(0));
            dynamo.putItem(b -> b.tableName(tables.mirror()).item(item));
            return;
        }
        BatchCalls.putAll(dynamo, tables.mirror(), audits.stream().map(a -> auditItem(account, a)).toList());
    }

    private static Map<String, AttributeValue> auditItem(String account, MirrorRecord.RecentAudit audit) {
        Map<String, AttributeValue> item = auditAttributes(audit);
        item.put(Attr.ACCOUNT, Items.s(account));
        item.put(Attr.SK, Items.s(AUDIT_PREFIX + normalizeEmail(audit.entry().email()) + "#" + audit.entry().at() + "#"
                + audit.id()));
        return item;
    }

    /** An audit entry's attributes: on its own item, or in the subscriber item's {@code recentAudits}. */
    private static Map<String, AttributeValue> auditAttributes(MirrorRecord.RecentAudit audit) {
        AuditEntry entry = audit.entry();
        String at = entry.at();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(AT, Items.s(at));
        item.put(ACTION, Items.s(entry.action()));
        item.put(EMAIL, Items.s(normalizeEmail(entry.email())));
        if (entry.subscriberId() != null) {
            item.put(SUBSCRIBER_ID, Items.n(entry.subscriberId()));
        }
        item.put(OUTCOME, Items.s(entry.outcome()));
        item.put(ACTOR, Items.s(entry.actor() == null ? "kitbridge" : entry.actor()));
        if (entry.before() != null) {
            item.put(BEFORE, Items.stringMap(entry.before()));
        }
        if (entry.after() != null) {
            item.put(AFTER, Items.stringMap(entry.after()));
        }
        if (entry.detail() != null) {
            item.put(DETAIL, Items.s(entry.detail()));
        }
        item.put(Attr.EXPIRES_AT, Items.n(audit.expiresAt()));
        return item;
    }

    private static AuditEntry auditEntry(Map<String, AttributeValue> item) {
        return new AuditEntry(Items.strOr(item, AT, ""), Items.strOr(item, ACTION, ""),
                Items.strOr(item, EMAIL, ""), Items.num(item, SUBSCRIBER_ID).orElse(null), Items.strOr(item, OUTCOME, ""),
                Items.strOr(item, ACTOR, ""), item.containsKey(BEFORE) ? Items.stringMapOf(item, BEFORE) : null,
                item.containsKey(AFTER) ? Items.stringMapOf(item, AFTER) : null, Items.str(item, DETAIL).orElse(null));
    }

    /**
     * Newest first: the audit items of this subject and the entries kept on the subscriber items filed under it
     * (found through the email index; {@code id:<n>} subjects by id). Entries past kitbridge.audit.retention are
     * skipped (TTL deletes late, dynalite never).
     */
    public List<AuditEntry> history(String account, String email, int limit) {
        String subject = String.valueOf(normalizeEmail(email)); // entries without one are filed under "null"
        List<MirrorRecord> holders = new ArrayList<>();
        if (subject.startsWith("id:")) {
            try {
                get(account, Long.parseLong(subject.substring(3))).ifPresent(holders::add);
            } catch (NumberFormatException notAnId) {
                // an "id:" subject that is no id has nothing kept on an item
            }
        } else {
            dynamo.query(b -> b.tableName(tables.mirror()).indexName(Attr.MIRROR_EMAIL_INDEX)
                    .keyConditionExpression("#ek = :ek")
                    .expressionAttributeNames(Map.of("#ek", Attr.EMAIL_KEY))
                    .expressionAttributeValues(Map.of(":ek", Items.s(account + "#" + subject))))
                    .items().forEach(item -> holders.add(fromItem(item)));
        }
        return history(account, subject, holders, limit);
    }

    /** {@link #history} of the person of {@code record} as just read (its kept entries need no further read). */
    public List<AuditEntry> history(String account, MirrorRecord record, int limit) {
        return history(account, subject(record), List.of(record), limit);
    }

    private List<AuditEntry> history(String account, String subject, List<MirrorRecord> holders, int limit) {
        long nowSeconds = clock.instant().getEpochSecond();
        Map<String, MirrorRecord.RecentAudit> byId = new HashMap<>();
        holders.forEach(r -> r.recentAudits().stream()
                .filter(a -> a.expiresAt() > nowSeconds && subject.equals(normalizeEmail(a.entry().email())))
                .forEach(a -> byId.put(a.id(), a)));
        auditItems(account, subject, limit).forEach(a -> byId.putIfAbsent(a.id(), a));
        return byId.values().stream()
                .sorted(java.util.Comparator.comparing((MirrorRecord.RecentAudit a) -> a.entry().at())
                        .thenComparing(MirrorRecord.RecentAudit::id).reversed())
                .limit(limit).map(MirrorRecord.RecentAudit::entry).toList();
    }

    /** The newest audit items of a subject (an entry moved off its subscriber item keeps its id: the key's tail). */
    private List<MirrorRecord.RecentAudit> auditItems(String account, String subject, int limit) {
        QueryResponse page = dynamo.query(b -> b.tableName(tables.mirror())
                .keyConditionExpression("#account = :account AND begins_with(#sk, :prefix)")
                .filterExpression("attribute_not_exists(#expiresAt) OR #expiresAt > :now")
                .expressionAttributeNames(Map.of("#account", Attr.ACCOUNT, "#sk", Attr.SK, "#expiresAt", Attr.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":account", Items.s(account),
                        ":prefix", Items.s(AUDIT_PREFIX + subject + "#"),
                        ":now", Items.n(clock.instant().getEpochSecond())))
                .scanIndexForward(false)
                .limit(limit));
        return page.items().stream().map(item -> {
            String sk = Items.strOr(item, Attr.SK, "");
            return new MirrorRecord.RecentAudit(sk.substring(sk.lastIndexOf('#') + 1),
                    Items.numOr(item, Attr.EXPIRES_AT, Long.MAX_VALUE), auditEntry(item));
        }).toList();
    }

    // ---------------------------------------------------------------- mapping

    /** Hash of what Kit says about a person: equal hash, nothing to write. */
    public static String contentHash(String email, String firstName, String state, Map<String, String> fields,
            List<String> tags) {
        StringBuilder sb = new StringBuilder();
        sb.append(normalizeEmail(email)).append('\u0001').append(firstName).append('\u0001').append(state).append('\u0001');
        new TreeMap<>(fields == null ? Map.<String, String>of() : fields)
                .forEach((k, v) -> sb.append(k).append('=').append(v).append('\u0002'));
        sb.append('\u0001');
        if (tags != null) {
            tags.stream().sorted().forEach(t -> sb.append(t).append('\u0002'));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, AttributeValue> toItem(MirrorRecord r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.ACCOUNT, Items.s(r.account()));
        item.put(Attr.SK, Items.s(subscriberSk(r.subscriberId())));
        item.put(SUBSCRIBER_ID, Items.n(r.subscriberId()));
        if (r.email() != null) {
            item.put(EMAIL, Items.s(normalizeEmail(r.email())));
            item.put(Attr.EMAIL_KEY, Items.s(r.account() + "#" + normalizeEmail(r.email())));
        }
        if (r.firstName() != null) {
            item.put(FIRST_NAME, Items.s(r.firstName()));
        }
        item.put(STATE, Items.s(r.state() == null ? "unknown" : r.state()));
        item.put(FIELDS, Items.stringMap(r.fields() == null ? Map.of() : r.fields()));
        item.put(TAGS, Items.stringList(r.tags() == null ? List.of() : r.tags()));
        item.put(TAG_IDS, Items.numberList(r.tagIds() == null ? List.<Long>of() : r.tagIds()));
        item.put(Attr.UPDATED_AT, Items.n(r.updatedAt()));
        item.put(SOURCE, Items.s(r.source()));
        item.put(HASH, Items.s(r.contentHash() != null ? r.contentHash()
                : contentHash(r.email(), r.firstName(), r.state(), r.fields(), r.tags())));
        if (r.lastSeenSync() != null) {
            item.put(LAST_SEEN_SYNC, Items.s(r.lastSeenSync()));
        }
        item.put(EVENT_AT, Items.n(r.eventAt()));
        Map<String, AttributeValue> tagAt = new HashMap<>();
        r.tagAt().forEach((id, at) -> tagAt.put(Long.toString(id), Items.n(at)));
        item.put(TAG_AT, AttributeValue.fromM(tagAt));
        item.put(TAGS_AT, Items.n(r.tagsAt()));
        if (!r.recentEvents().isEmpty()) {
            Map<String, AttributeValue> recent = new HashMap<>();
            r.recentEvents().forEach((key, expires) -> recent.put(key, Items.n(expires)));
            item.put(RECENT_EVENTS, AttributeValue.fromM(recent));
        }
        if (!r.recentAudits().isEmpty()) {
            Map<String, AttributeValue> audits = new HashMap<>();
            r.recentAudits().forEach(a -> audits.put(a.id(), AttributeValue.fromM(auditAttributes(a))));
            item.put(RECENT_AUDITS, AttributeValue.fromM(audits));
        }
        return item;
    }

    MirrorRecord fromItem(Map<String, AttributeValue> item) {
        List<Long> tagIds = new ArrayList<>(Items.numberListOf(item, TAG_IDS));
        Map<Long, Long> tagAt = new HashMap<>();
        AttributeValue times = item.get(TAG_AT);
        if (times != null && times.hasM()) {
            times.m().forEach((id, at) -> tagAt.put(Long.parseLong(id), Long.parseLong(at.n())));
        }
        Map<String, Long> recentEvents = new HashMap<>();
        AttributeValue recent = item.get(RECENT_EVENTS);
        if (recent != null && recent.hasM()) {
            recent.m().forEach((key, expires) -> recentEvents.put(key, Long.parseLong(expires.n())));
        }
        List<MirrorRecord.RecentAudit> recentAudits = new ArrayList<>();
        AttributeValue audits = item.get(RECENT_AUDITS);
        if (audits != null && audits.hasM()) {
            audits.m().forEach((id, a) -> recentAudits.add(new MirrorRecord.RecentAudit(id,
                    Items.numOr(a.m(), Attr.EXPIRES_AT, Long.MAX_VALUE), auditEntry(a.m()))));
            // oldest first, the order they were written in (ties: by id, so every reader sees one order)
            recentAudits.sort(java.util.Comparator.comparing((MirrorRecord.RecentAudit a) -> a.entry().at())
                    .thenComparing(MirrorRecord.RecentAudit::id));
        }
        return new MirrorRecord(Items.strOr(item, Attr.ACCOUNT, ""), Items.numOr(item, SUBSCRIBER_ID, 0),
                Items.str(item, EMAIL).orElse(null), Items.str(item, FIRST_NAME).orElse(null),
                Items.strOr(item, STATE, "unknown"), Items.stringMapOf(item, FIELDS), Items.stringListOf(item, TAGS), tagIds,
                Items.numOr(item, Attr.UPDATED_AT, 0), Items.strOr(item, SOURCE, ""), Items.str(item, HASH).orElse(null),
                Items.str(item, LAST_SEEN_SYNC).orElse(null), Items.numOr(item, EVENT_AT, 0), tagAt,
                Items.num(item, TAGS_AT).orElse(Items.numOr(item, EVENT_AT, 0)), recentEvents, recentAudits);
    }
}
