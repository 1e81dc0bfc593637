package io.kitbridge.sync;

import java.util.Locale;

/**
 * Where a run is. Full: TAGS (each tag's members, stored as compact id lists) → PAGES (every subscriber, written
 * with those memberships) → MISSING (mirror records not seen) → DRIFT → DONE. Incremental: PAGES (updated_after)
 * → TAG_ADDS (tagged_after) → DONE.
 */
public enum SyncPhase {
    TAGS, PAGES, MISSING, DRIFT, TAG_ADDS, DONE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
