package io.kitbridge.provision;

import io.kitbridge.kit.KitLimits;
import io.kitbridge.common.Deadline;
import io.kitbridge.kit.KitErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A batch against the invocation's deadline: people are taken in units (one person on an API key; up to 100 with
 * Kit's bulk endpoints), and the next unit starts only while the time left covers it plus a margin. A unit's cost is
 * the longest unit so far, or before the first, its Kit requests at the budget's rate. Every invocation handles at
 * least one unit, so a chain of invocations always ends. People a unit could not finish for want of a rate permit
 * (or after a 429) are handed on, not reported as failed. The people's DynamoDB writes are flushed every
 * {@link BatchProvision#FLUSH_EVERY} people and before the invocation answers.
 */
record DeadlineBatch(BatchProvision batch, boolean bulk, Deadline deadline, Duration margin, long permitIntervalMillis) {
    /** Error types of a person who met no permit (our budget, or Kit's 429): handed on, not failed. */
    static final Set<String> POSTPONED = Set.of("RateBudgetExhausted", KitErrorKind.RATE_LIMITED.errorType());

    /** What one invocation did: results of the first {@code handled} people, and why it stopped early. */
    record Progress(List<ProvisionResult> results, int handled, boolean budgetStop, String reason, long workMillis,
            int units) {
    }

    Progress run(List<ProvisionRequest.Entry> entries) {
        List<ProvisionResult> results = new ArrayList<>();
        int unitSize = bulk ? KitLimits.BULK_SYNC_ITEMS : 1;
        long longest = 0;
        long work = 0;
        int units = 0;
        int at = 0;
        while (at < entries.size()) {
            List<ProvisionRequest.Entry> unit = entries.subList(at, Math.min(entries.size(), at + unitSize));
            long estimate = Math.max(longest, requests(unit, bulk) * permitIntervalMillis);
            if (units > 0 && !deadline.covers(Duration.ofMillis(estimate), margin)) {
                batch.flush(true);
                return new Progress(results, at, false, "deadline: " + deadline.remaining().toMillis() + " ms left, the next "
                        + unit.size() + " may take " + estimate + " ms + " + margin.toMillis() + " ms margin", work, units);
            }
            long started = deadline.nowMillis();
            List<ProvisionResult> done = batch.provision(unit);
            batch.flush(false);
            int kept = 0;
            while (kept < done.size() && !postponed(done.get(kept))) {
                kept++;
            }
            results.addAll(done.subList(0, kept));
            at += kept;
            long took = deadline.nowMillis() - started;
            work += took;
            units++;
            if (kept < done.size()) {
                batch.flush(true);
                return new Progress(results, at, true, "rate budget: " + done.get(kept).error(), work, units);
            }
            longest = Math.max(longest, took);
        }
        batch.flush(true);
        return new Progress(results, at, false, null, work, units);
    }

    private static boolean postponed(ProvisionResult r) {
        return ProvisionResult.FAILED.equals(r.outcome()) && POSTPONED.contains(r.errorType());
    }

    /** Kit requests these people take at least: upsert + one per tag, or with bulk endpoints per 100 rows. */
    static long requests(List<ProvisionRequest.Entry> entries, boolean bulk) {
        long perPerson = 0;
        long withFields = 0;
        long withoutFields = 0;
        long taggings = 0;
        for (ProvisionRequest.Entry e : entries) {
            PersonSpec p = e.person();
            if (p == null || p.dryRun()) {
                continue;
            }
            perPerson += 1 + p.tags().size();
            if (p.fields().isEmpty()) {
                withoutFields++;
            } else {
                withFields++;
            }
            taggings += p.tags().size();
        }
        if (!bulk) {
            return perPerson;
        }
        int rows = KitLimits.BULK_SYNC_ITEMS;
        return withFields + (withoutFields + rows - 1) / rows + (taggings + rows - 1) / rows;
    }
}
