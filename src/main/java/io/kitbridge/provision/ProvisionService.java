package io.kitbridge.provision;

import io.kitbridge.kit.KitLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.Priority;
import io.kitbridge.budget.RateBudget;
import io.kitbridge.common.Deadline;
import io.kitbridge.common.Deadlines;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.NextInput;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitCatalog;
import io.kitbridge.kit.KitCredential;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Provisioning with no silent loss: every custom field key is checked against the account before anything is
 * written (Kit drops unknown keys without a word), tags resolve to ids, an unsubscribed person is reported as
 * suppressed (never as provisioned), and the desired state is recorded for the sync's drift check. A batch knows
 * its deadline and hands on the people it had no time for ({@code next}).
 *
 * <p>The parts: {@link RequestParser} reads the input, {@link AccountCatalog} holds the account's fields and tags,
 * {@link ProvisionPlan} decides, {@link ProvisionSteps} does what both paths share, {@link SinglePerson} and
 * {@link BatchProvision} are the two paths, {@link DeadlineBatch} runs a batch against the deadline and
 * {@link BatchResults} keeps a provision-batch execution's results and {@link StagedBatches} the people of a batch too
 * large for a Step Functions payload.
 */
@ApplicationScoped
public class ProvisionService {
    /** In an execution's next: the outcomes counted by the invocations before. */
    static final String SUMMARY_SO_FAR = "summarySoFar";
    /** Input key of the results reader. */
    private static final String RESULTS = "results";
    /** Input flag: store the people for a provision-batch execution instead of provisioning them. */
    private static final String STAGE = "stage";

    @Inject KitGateway kit;

    @Inject KitCatalog catalog;

    @Inject MirrorStore mirror;

    @Inject CredentialResolver credentials;

    @Inject ProvisionConfig config;

    @Inject BudgetConfig budgetConfig;

    @Inject RateBudget budget;

    @Inject Deadlines deadlines;

    @Inject BatchResults stored;

    @Inject StagedBatches staged;

    @Inject Clock clock;

    public ProvisionOutput provision(JsonNode input) {
        Deadline deadline = deadlines.start(config.maxInvocationTime());
        JsonNode given = JsonInput.object(input, "input");
        JsonNode root = given;
        if (root.has(RESULTS)) {
            return readResults(root.get(RESULTS));
        }
        if (JsonInput.bool(root, STAGE, "", false)) {
            String account = CredentialResolver.validateAccount(JsonInput.string(root, "account", "").orElse(null));
            return ProvisionOutput.staged(staged.stage(account, root));
        }
        Optional<String> batch = StagedBatches.batchId(root);
        StagedBatches.Slice slice = batch.map(id -> slice(given, id)).orElse(null);
        if (slice != null) {
            root = slice.input();
        }
        long requestsBefore = kit.requestsSent();
        ProvisionRequest request = new RequestParser(config).parse(root);
        KitCredential credential = credentials.resolve(request.account());
        ProvisionSteps steps = new ProvisionSteps(request.account(), new AccountCatalog(catalog, request.account()), kit,
                mirror, clock, budgetConfig.interactiveMaxWait());
        if (!request.isBatch()) {
            ProvisionResult result = new SinglePerson(steps).provision(request.person());
            return ProvisionOutput.single(result, kit.requestsSent() - requestsBefore);
        }
        boolean bulkAllowed = config.useBulk() && credential.allowsBulk();
        Duration margin = config.deadlineMargin();
        // a permit wait never runs into the margin: past it the person is handed on instead
        steps.boundWaits(() -> positive(deadline.remaining().minus(margin)));
        int limit = credential.kind().limit(budgetConfig);
        long interval = budget.gcraFor(limit).intervalMillis();
        DeadlineBatch.Progress progress = new DeadlineBatch(new BatchProvision(steps, bulkAllowed), bulkAllowed, deadline,
                margin, interval).run(request.people());
        List<ProvisionRequest.Entry> rest = request.people().subList(progress.handled(), request.people().size());
        int total = slice != null ? slice.total() : request.offset() + request.people().size();
        int position = request.offset() + progress.handled();
        int remaining = total - position;
        long kitRequests = kit.requestsSent() - requestsBefore;
        boolean done = remaining == 0;
        int wait = done || !progress.budgetStop() ? 0
                : seconds(budget.peekWait(credential.budgetKey(), limit, Priority.INTERACTIVE));
        Long eta = done ? 0L : eta(rest, remaining, bulkAllowed, interval, progress, wait);
        ObjectNode next = done ? null : slice != null
                ? JsonNodeFactory.instance.objectNode().put("account", request.account()).put("batch", batch.get())
                        .put(NextInput.OFFSET, position)
                : (ObjectNode) NextInput.after(request.input(), progress.handled()).without("execution");
        if (request.execution() == null) {
            return new ProvisionOutput(null, progress.results(), summary(progress.results()), kitRequests, done,
                    progress.handled(), remaining, wait, eta, progress.reason(), null, null, null, null, next);
        }
        // inside an execution: results go to DynamoDB, the summary so far travels with next
        stored.store(request.execution(), request.offset(), progress.results());
        Map<String, Integer> summary = summary(progress.results());
        request.input().path(SUMMARY_SO_FAR).fields().forEachRemaining(e -> summary.merge(e.getKey(),
                e.getValue().asInt(), Integer::sum));
        if (!done) {
            ObjectNode soFar = next.putObject(SUMMARY_SO_FAR);
            summary.forEach(soFar::put);
            return new ProvisionOutput(null, null, summary, kitRequests, false, progress.handled(), remaining, wait, eta,
                    progress.reason(), BatchResults.key(request.execution()), null, null, null, next);
        }
        // reading a large result set back would cost the last invocation time it does not have: only small ones inline
        List<ProvisionResult> all = total <= config.inlineResultsMax() ? stored.read(request.execution()) : null;
        return new ProvisionOutput(null, all, summary, kitRequests, true, progress.handled(), 0, 0, 0L, null,
                BatchResults.key(request.execution()), total, null, null, null);
    }

    /**
     * A staged batch's reference → the slice this invocation provisions, as an ordinary batch input that keeps the
     * execution's bookkeeping ({@code execution}, {@code summarySoFar}).
     */
    private StagedBatches.Slice slice(JsonNode given, String batch) {
        if (given.has(NextInput.PEOPLE)) {
            throw new InvalidInputException("batch", "names a staged batch, so people must not be given (stage them"
                    + " with \"stage\": true)");
        }
        String account = CredentialResolver.validateAccount(JsonInput.string(given, "account", "").orElse(null));
        StagedBatches.Slice slice = staged.slice(account, batch, RequestParser.offset(given), config.maxBatch());
        for (String kept : List.of("execution", SUMMARY_SO_FAR)) {
            if (given.has(kept)) {
                slice.input().set(kept, given.get(kept));
            }
        }
        return slice;
    }

    /** {@code {"results": {"execution" | "resultsKey": ..., "cursor": ..., "limit": ...}}}: one page, input order. */
    private ProvisionOutput readResults(JsonNode query) {
        JsonNode q = JsonInput.object(query, RESULTS);
        String execution = JsonInput.string(q, "execution", RESULTS + ".")
                .or(() -> JsonInput.string(q, "resultsKey", RESULTS + "."))
                .map(BatchResults::execution)
                .orElseThrow(() -> new InvalidInputException(RESULTS + ".execution", "is required (the execution ARN, or"
                        + " the resultsKey a provision-batch output names)"));
        String cursor = JsonInput.string(q, "cursor", RESULTS + ".").orElse(null);
        if (cursor != null && !cursor.matches("\\d{7}")) {
            throw new InvalidInputException(RESULTS + ".cursor", "must be a cursor a previous page returned");
        }
        long limit = JsonInput.positiveLong(q, "limit", RESULTS + ".").orElse((long) config.resultsPageMax());
        if (limit > config.resultsPageMax()) {
            throw new InvalidInputException(RESULTS + ".limit", "must be at most " + config.resultsPageMax());
        }
        return ProvisionOutput.page(execution, stored.page(execution, cursor, (int) limit));
    }
    private static Map<String, Integer> summary(List<ProvisionResult> results) {
        Map<String, Integer> summary = new TreeMap<>();
        results.forEach(r -> summary.merge(r.outcome(), 1, Integer::sum));
        return summary;
    }

    /**
     * Seconds the rest needs: its Kit requests at the budget's rate, or, when slower, this invocation's pace per
     * unit (DynamoDB, Kit's latency), plus the wait before it may start. A staged batch's rest is not all loaded:
     * the loaded part (or, when it is used up, the slice handled) stands for the rest, scaled to its size.
     */
    private static long eta(List<ProvisionRequest.Entry> rest, int remaining, boolean bulk, long intervalMillis,
            DeadlineBatch.Progress progress, int waitSeconds) {
        long sampled = DeadlineBatch.requests(rest, bulk);
        long byRate = rest.isEmpty() ? 0 : sampled * remaining / rest.size() * intervalMillis;
        int unitSize = bulk ? KitLimits.BULK_SYNC_ITEMS : 1;
        long units = (remaining + unitSize - 1) / unitSize;
        long byPace = progress.units() == 0 ? 0 : units * progress.workMillis() / progress.units();
        return (Math.max(byRate, byPace) + 999) / 1000 + waitSeconds;
    }

    private static int seconds(Duration wait) {
        return (int) Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
