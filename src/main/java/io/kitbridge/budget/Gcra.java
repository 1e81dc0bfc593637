package io.kitbridge.budget;

/**
 * Generic cell rate algorithm, dimensioned so that no sliding window of Kit's ever holds more than its limit.
 *
 * <p>Proof. Let grants happen at t_1 <= ... <= t_n inside a closed interval of length D. Each grant sets
 * TAT := max(TAT, t) + T, so after the k-th grant TAT >= t_1 + kT. The n-th grant needs
 * t_n >= TAT - tau >= t_1 + (n - 1)T - tau, hence (n - 1)T <= D + tau, i.e. n <= (D + tau)/T + 1.
 * With tau = b*T and T = (W + m)/(L - 1 - b) (rounded up), D = W + m gives n <= L. Kit counts requests
 * that arrive within W of each other; ours are stamped by clocks that differ by at most m (clock skew
 * between Lambdas plus the spread of request latency), so any W of Kit's is inside some D = W + m of ours
 * and never holds more than L requests.
 *
 * <p>Bulk work additionally passes a second cell with interval T / (1 - reserve): its long-run rate is at
 * most (1 - reserve) of the total, so interactive callers always find the reserve free.
 */
public final class Gcra {
    private final long intervalMillis;
    private final long toleranceMillis;
    private final long bulkIntervalMillis;
    private final long bulkToleranceMillis;

    public Gcra(long windowMillis, long marginMillis, int limit, int burst, double reserve) {
        int b = Math.max(0, Math.min(burst, limit - 2));
        this.intervalMillis = ceilDiv(windowMillis + marginMillis, limit - 1L - b);
        this.toleranceMillis = b * intervalMillis;
        double bulkShare = Math.max(0.01, 1.0 - reserve);
        this.bulkIntervalMillis = (long) Math.ceil(intervalMillis / bulkShare);
        this.bulkToleranceMillis = b * bulkIntervalMillis;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /** Permits per window this schedule grants at most under sustained demand (all priorities). */
    public double sustainedPerWindow(long windowMillis) {
        return (double) windowMillis / intervalMillis;
    }

    /** Earliest time a permit of this priority may be used. */
    public long earliest(BudgetState s, Priority priority, long now) {
        long at = Math.max(now, s.tat() - toleranceMillis);
        if (priority == Priority.BULK) {
            at = Math.max(at, s.bulkTat() - bulkToleranceMillis);
        }
        return Math.max(at, s.blockedUntil());
    }

    /** The state after granting a permit used at {@code at} (as computed by {@link #earliest}). */
    public BudgetState grant(BudgetState s, Priority priority, long at) {
        long tat = Math.max(s.tat(), at) + intervalMillis;
        long bulkTat = priority == Priority.BULK ? Math.max(s.bulkTat(), at) + bulkIntervalMillis : s.bulkTat();
        return new BudgetState(tat, bulkTat, s.blockedUntil(), s.throttleStreak(), s.version() + 1);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
