package io.kitbridge.kit;

import io.kitbridge.budget.Priority;
import io.kitbridge.budget.Reservation;
import java.time.Duration;

/**
 * How to make one Kit request: for which account, at which budget priority, how long the caller may wait
 * for a permit, and whether the request is safe to send twice (GETs, PUT, tag/untag, unsubscribe, upsert:
 * yes; creating tags, fields, webhooks and bulk creates: no, a retry could duplicate or double-apply).
 * {@code reserved}, when given, holds permits taken ahead (a person's requests in one budget write): the request
 * uses the next of them, and takes a permit of its own only when none is usable.
 */
public record KitCall(String account, String operation, Priority priority, Duration maxWait, boolean repeatable,
        Reservation reserved) {

    public KitCall(String account, String operation, Priority priority, Duration maxWait, boolean repeatable) {
        this(account, operation, priority, maxWait, repeatable, null);
    }

    public static KitCall interactive(String account, String operation, boolean repeatable, Duration maxWait) {
        return new KitCall(account, operation, Priority.INTERACTIVE, maxWait, repeatable);
    }

    /** Bulk work never sleeps for a permit: it is told how long to wait and schedules itself. */
    public static KitCall bulk(String account, String operation, boolean repeatable) {
        return new KitCall(account, operation, Priority.BULK, Duration.ZERO, repeatable);
    }

    /** This call, using permits reserved ahead when one is usable. */
    public KitCall using(Reservation reservation) {
        return new KitCall(account, operation, priority, maxWait, repeatable, reservation);
    }
}
