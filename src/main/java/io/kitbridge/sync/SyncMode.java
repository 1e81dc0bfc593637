package io.kitbridge.sync;

import io.kitbridge.common.InvalidInputException;
import java.util.Locale;

/** full: every subscriber, then tag memberships, missing marks and drift. incremental: what changed since the last sync. */
public enum SyncMode {
    FULL, INCREMENTAL;

    public static SyncMode parse(String value) {
        if (value == null || value.isBlank()) {
            return INCREMENTAL;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("mode", "must be \"full\" or \"incremental\"");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
