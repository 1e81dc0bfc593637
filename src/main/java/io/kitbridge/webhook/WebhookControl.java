package io.kitbridge.webhook;

import io.kitbridge.store.Attr;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The handler's records in the control table, all under {@code pk = webhook#<account>}:
 * <ul>
 * <li>{@code event#<id>} / {@code legacy#<digest>}: dedupe claims ("processing" for a short lease, then "done"
 * for the dedupe window): a retry of a done event is a duplicate, a retry while another invocation holds the claim
 * is told to come back when the lease ends, and an event whose processing failed or whose holder died is processed
 * again;</li>
 * <li>{@code kept#<received>#<id>}: unknown or unusable events, stored for inspection.</li>
 * </ul>
 */
@ApplicationScoped
public class WebhookControl {
    private static final String PK_PREFIX = "webhook#";
    private static final String STATUS = "status";
    private static final String AT = "at";
    private static final String TYPE = "type";
    private static final String RAW = "raw";
    private static final String REASON = "reason";
    private static final String EVENT_ID = "eventId";
    private static final String RECEIVED = "received";

    @Inject ControlStore control;

    public static String pk(String account) {
        return PK_PREFIX + account;
    }

    /** The answer to a claim: ours to process, already processed, or being processed elsewhere. */
    public record Claim(boolean claimed, boolean done, Duration leaseLeft) {
        static final Claim CLAIMED = new Claim(true, false, Duration.ZERO);
        static final Claim DONE = new Claim(false, true, Duration.ZERO);
    }

    /**
     * Claims an event for processing. Only a {@code done} record makes it a duplicate; a {@code processing} claim of
     * another invocation is answered with the rest of its lease (the caller asks Kit to retry after it). An expired
     * claim (its holder died) counts as absent, so Kit's retry takes it over.
     */
    public Claim claim(String account, String dedupeKey, Duration lease) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (control.putIfAbsent(pk(account), dedupeKey, Map.of(STATUS, Items.s("processing")), lease)) {
                return Claim.CLAIMED;
            }
            Optional<Map<String, AttributeValue>> held = control.get(pk(account), dedupeKey);
            if (held.isEmpty()) {
                continue; // released or expired just now: try again
            }
            if ("done".equals(Items.strOr(held.get(), STATUS, ""))) {
                return Claim.DONE;
            }
            long left = Items.numOr(held.get(), Attr.EXPIRES_AT, 0) - control.nowSeconds();
            return new Claim(false, false, Duration.ofSeconds(Math.max(1, left)));
        }
        return new Claim(false, false, Duration.ofSeconds(1));
    }

    public void done(String account, String dedupeKey, Duration window) {
        control.put(pk(account), dedupeKey, Map.of(STATUS, Items.s("done")), window);
    }

    /** Processing failed: let Kit's retry process the event again. */
    public void release(String account, String dedupeKey) {
        control.delete(pk(account), dedupeKey);
    }

    /** Keeps an event we could not act on (unknown type, no subscriber, a bug) for someone to look at. */
    public void keep(String account, InboundEvent event, String reason, Instant received, Duration retention) {
        Map<String, AttributeValue> attrs = new HashMap<>();
        attrs.put(TYPE, Items.s(event.type()));
        attrs.put(EVENT_ID, Items.s(event.id()));
        attrs.put(RAW, Items.s(event.raw()));
        attrs.put(REASON, Items.s(reason));
        attrs.put(RECEIVED, Items.s(received.toString()));
        control.put(pk(account), "kept#" + received + "#" + event.dedupeKey(), attrs, retention);
    }
}
