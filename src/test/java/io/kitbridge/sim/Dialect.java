package io.kitbridge.sim;

/**
 * Which description of Kit API v4 the simulator follows where the two reference documents disagree.
 * <ul>
 *   <li>{@link #SEED}: convertkit-v4-seed.txt (unsubscribe 200 {@code inactive}, 429 with Retry-After,
 *       unknown custom fields silently dropped, tag list not paginated).</li>
 *   <li>{@link #PUBLIC}: kit-v4-deltas.md (unsubscribe 204 {@code cancelled}, 429 "Retry later" without
 *       Retry-After, {@code warnings} for unknown custom fields, tag list cursor-paginated, 202 for &gt;10 fields).</li>
 * </ul>
 */
public enum Dialect {
    SEED,
    PUBLIC
}
