package io.kitbridge.kit;

/** Limits that callers size their Kit requests by. */
public final class KitLimits {
    /**
     * A bulk request (subscribers, taggings) of at most this many items is answered at once with its failures; a
     * larger one is queued and answered by a callback (kit-v4-deltas.md, "Bulk"), which kitbridge does not use.
     */
    public static final int BULK_SYNC_ITEMS = 100;
    /** The longest tag name or first name kitbridge sends; a longer one is refused before Kit sees it. */
    public static final int MAX_NAME = 255;

    private KitLimits() {
    }
}
