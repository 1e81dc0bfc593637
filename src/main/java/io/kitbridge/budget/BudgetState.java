package io.kitbridge.budget;

/**
 * One credential's shared budget as stored in the control table. Times are epoch milliseconds.
 * {@code version} guards every write (compare-and-set), since dynalite has no transactions.
 */
public record BudgetState(long tat, long bulkTat, long blockedUntil, int throttleStreak, long version) {
    public static final BudgetState EMPTY = new BudgetState(0, 0, 0, 0, 0);
}
