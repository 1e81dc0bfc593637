package io.kitbridge.webhook;

import io.kitbridge.store.Attr;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import io.kitbridge.store.TableNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The handler's records in the control table, all under {@code pk = webhook#<account>}:
 * <ul>
 * <li>{@code event#<id>} / {@code legacy#<digest>}: dedupe claims ("processing" for a short lease, then "done"
 * for the dedupe window), so a retry is skipped, yet an event whose processing failed is processed again;</li>
 * <li>{@code tagclock#<subscriber>#<tag>}: time of the newest applied add/remove of one tag, so a late
 * tag_add never undoes a newer tag_remove;</li>
 * <li>{@code kept#<received>#<id>}: unknown or unusable events, stored for inspection.</li>
 * </ul>
 */
@ApplicationScoped
public class WebhookControl {
    static final String PK_PREFIX = "webhook#";
    static final String STATUS = "status";
    static final String AT = "at";
    static final String TYPE = "type";
    static final String RAW = "raw";
    static final String REASON = "reason";
    static final String EVENT_ID = "eventId";
    static final String RECEIVED = "received";

    @Inject
    ControlStore control;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TableNames tables;

    public static String pk(String account) {
        return PK_PREFIX + account;
    }

    /** True for the first claimant; false while another invocation holds it or after it was processed. */
    public boolean claim(String account, String dedupeKey, Duration lease) {
        return control.putIfAbsent(pk(account), dedupeKey, Map.of(STATUS, Items.s("processing")), lease);
    }

    public void done(String account, String dedupeKey, Duration window) {
        control.put(pk(account), dedupeKey, Map.of(STATUS, Items.s("done")), window);
    }

    /** Processing failed: let Kit's retry process the event again. */
    public void release(String account, String dedupeKey) {
        control.delete(pk(account), dedupeKey);
    }

    /**
     * Records that a change of one tag at {@code eventAtMillis} is being applied, unless a newer change of the same
     * tag already was (equal times pass, so a retry of the same event is idempotent).
     */
    public boolean advanceTagClock(String account, long subscriberId, long tagId, long eventAtMillis, Duration ttl) {
        long now = control.nowSeconds();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attr.PK, Items.s(pk(account)));
        item.put(Attr.SK, Items.s("tagclock#" + subscriberId + "#" + tagId));
        item.put(AT, Items.n(eventAtMillis));
        item.put(Attr.EXPIRES_AT, Items.n(now + Math.max(1, ttl.toSeconds())));
        try {
            dynamo.putItem(b -> b.tableName(tables.control()).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #at <= :at OR #expiresAt <= :now")
                    .expressionAttributeNames(Map.of("#pk", Attr.PK, "#at", AT, "#expiresAt", Attr.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":at", Items.n(eventAtMillis), ":now", Items.n(now))));
            return true;
        } catch (ConditionalCheckFailedException newerApplied) {
            return false;
        }
    }

    /** Keeps an event we could not act on (unknown type, no subscriber, a bug) for someone to look at. */
    public void keep(String account, InboundEvent event, String reason, Instant received, Duration retention) {
        Map<String, AttributeValue> attrs = new HashMap<>();
        attrs.put(TYPE, Items.s(event.type()));
        attrs.put(EVENT_ID, Items.s(event.id()));
        attrs.put(RAW, Items.s(event.raw()));
        attrs.put(REASON, Items.s(reason));
        attrs.put(RECEIVED, Items.s(received.toString()));
        control.put(pk(account), "kept#" + received + "#" + event.id(), attrs, retention);
    }
}
