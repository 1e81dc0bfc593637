package io.kitbridge.sync;

import java.util.Locale;

/**
 * The counters of a sync run, kept in its state and answered in its output ({@code stats}; documented in
 * docs/sync.md). The key is the constant's name in camelCase: {@code SUBSCRIBER_PAGES} is {@code subscriberPages}.
 */
enum SyncStat {
    KIT_REQUESTS,
    KIT_MILLIS,
    INVOCATIONS,
    SUBSCRIBER_PAGES,
    SUBSCRIBERS_READ,
    PAGE_PROCESSING_MILLIS,
    PAGE_CPU_MICROS,
    WRITTEN,
    UNCHANGED,
    SKIPPED_NEWER,
    TAG_PAGES,
    TAG_MEMBERS,
    TAG_PROCESSING_MILLIS,
    TAGS_ADDED,
    MIRROR_SCANNED,
    MISSING,
    MISSING_PROCESSING_MILLIS,
    DESIRED_CHECKED,
    DRIFTED,
    REPAIRED,
    REPAIR_FAILED,
    DESIRED_UNMATCHED,
    TRANSIENT_ERRORS,
    RESUMED,
    MIRROR_WRITES,
    CONTROL_WRITES,
    TAG_FALLBACKS,
    PAGES_READ_AHEAD;

    private final String key = camelCase(name());

    String key() {
        return key;
    }

    private static String camelCase(String constant) {
        StringBuilder out = new StringBuilder();
        for (String word : constant.toLowerCase(Locale.ROOT).split("_")) {
            out.append(out.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return out.toString();
    }
}
