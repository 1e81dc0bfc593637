package io.kitbridge.sync;

/**
 * What one unit of a pass did. A pass changes only the in-memory run state (after it stored the page's data), and
 * returns; {@link SyncService} alone saves the run state, so the cursor advances only after the page is stored.
 * {@code pause}: the unit stopped part-way (budget, Kit 429/5xx) after progress worth keeping — it is saved first,
 * then the pause is thrown on.
 */
record Step(String did, RuntimeException pause) {
    static Step did(String what) {
        return new Step(what, null);
    }

    static Step paused(String what, RuntimeException pause) {
        return new Step(what, pause);
    }
}
