package io.kitbridge.deprovision;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.store.ControlStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/**
 * Per-account cap on irreversible unsubscribes. Counts live in hourly buckets in the control table; the
 * current load is the current bucket plus the part of the previous bucket still inside the last hour
 * (a sliding-hour estimate), so a burst across an hour boundary is still caught.
 */
@ApplicationScoped
public class DeprovisionGuard {
    private static final String PK_PREFIX = "guard#";
    static final long HOUR_SECONDS = 3600;

    @Inject ControlStore control;

    @Inject DeprovisionConfig config;

    @Inject Clock clock;

    /** Reserves one deprovision, or refuses with DeprovisionLimitExceeded (unless forced). */
    public void reserve(String account, boolean force) {
        long now = clock.instant().getEpochSecond();
        long bucket = now / HOUR_SECONDS;
        String pk = PK_PREFIX + account;
        long current = control.increment(pk, "deprovision#" + bucket, Duration.ofHours(3));
        if (force) {
            return;
        }
        double previousWeight = 1.0 - (double) (now % HOUR_SECONDS) / HOUR_SECONDS;
        long previous = control.count(pk, "deprovision#" + (bucket - 1));
        double load = current + previous * previousWeight;
        if (load > config.maxPerHour()) {
            release(account);
            throw new KitbridgeException("DeprovisionLimitExceeded", "account '" + account + "' already deprovisioned "
                    + (long) Math.floor(load - 1) + " people in the last hour (limit kitbridge.deprovision.max-per-hour="
                    + config.maxPerHour() + "); unsubscribing cannot be undone, so pass \"force\": true if this is intended");
        }
    }

    /** Gives a reservation back (refused, or nothing was unsubscribed after all). */
    public void release(String account) {
        long bucket = clock.instant().getEpochSecond() / HOUR_SECONDS;
        try {
            control.add(PK_PREFIX + account, "deprovision#" + bucket, -1);
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException bucketRolledOver) {
            // the reservation was made in the previous hour's bucket; it ages out with it
        }
    }
}
