package io.kitbridge.sync;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** updated_after / tagged_after values. Kit's docs describe them as dates; the seed and the simulator take instants. */
final class Filters {
    private Filters() {
    }

    static String format(long epochMillis, SyncConfig.FilterFormat format) {
        Instant at = Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS);
        return format == SyncConfig.FilterFormat.DATE ? dayBefore(at) : at.toString();
    }

    static boolean isDatetime(String value) {
        return value != null && value.length() > 10;
    }

    static String asDate(String datetime) {
        return dayBefore(Instant.parse(datetime));
    }

    /** A day early: whether Kit reads "after D" as from the start or the end of D, nothing is skipped. */
    private static String dayBefore(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC).minusDays(1).toString();
    }
}
