package io.kitbridge.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.Priority;
import io.kitbridge.budget.RateBudget;
import io.kitbridge.common.Deadline;
import io.kitbridge.common.Deadlines;
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
 * {@link BatchResults} keeps a provision-batch execution's results.
 */
@ApplicationScoped
public class ProvisionService {
    /** In an execution's next: the outcomes counted by the invocations before. */
    static final String SUMMARY_SO_FAR = "summarySoFar";

    @Inject
    KitGateway kit;

    @Inject
    KitCatalog catalog;

    @Inject
    MirrorStore mirror;

    @Inject
    CredentialResolver credentials;

    @Inject
    ProvisionConfig config;

    @Inject
    BudgetConfig budgetConfig;

    @Inject
    RateBudget budget;

    @Inject
    Deadlines deadlines;

    @Inject
    BatchResults stored;

    @Inject
    Clock clock;

    public ProvisionOutput provision(JsonNode input) {
        Deadline deadline = deadlines.start(config.maxInvocationTime());
        long requestsBefore = kit.requestsSent();
        ProvisionRequest request = new RequestParser(config).parse(input);
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
        long kitRequests = kit.requestsSent() - requestsBefore;
        boolean done = rest.isEmpty();
        int wait = done || !progress.budgetStop() ? 0
                : seconds(budget.peekWait(credential.budgetKey(), limit, Priority.INTERACTIVE));
        Long eta = done ? 0L : eta(rest, bulkAllowed, interval, progress, wait);
        JsonNode next = done ? null : NextInput.after(request.input(), progress.handled()).without("execution");
        if (request.execution() == null) {
            return new ProvisionOutput(null, progress.results(), summary(progress.results()), kitRequests, done,
                    progress.handled(), rest.size(), wait, eta, progress.reason(), null, null, next);
        }
        // inside an execution: results go to DynamoDB, the summary so far travels with next
        stored.store(request.execution(), request.offset(), progress.results());
        Map<String, Integer> summary = summary(progress.results());
        request.input().path(SUMMARY_SO_FAR).fields().forEachRemaining(e -> summary.merge(e.getKey(),
                e.getValue().asInt(), Integer::sum));
        if (!done) {
            ObjectNode soFar = ((ObjectNode) next).putObject(SUMMARY_SO_FAR);
            summary.forEach(soFar::put);
            return new ProvisionOutput(null, null, summary, kitRequests, false, progress.handled(), rest.size(), wait, eta,
                    progress.reason(), BatchResults.key(request.execution()), null, next);
        }
        int total = request.offset() + progress.handled();
        // reading a large result set back would cost the last invocation time it does not have: only small ones inline
        List<ProvisionResult> all = total <= config.inlineResultsMax() ? stored.read(request.execution()) : null;
        return new ProvisionOutput(null, all, summary, kitRequests, true, progress.handled(), 0, 0, 0L, null,
                BatchResults.key(request.execution()), total, null);
    }

    private static Map<String, Integer> summary(List<ProvisionResult> results) {
        Map<String, Integer> summary = new TreeMap<>();
        results.forEach(r -> summary.merge(r.outcome(), 1, Integer::sum));
        return summary;
    }

    /**
     * Seconds the rest needs: its Kit requests at the budget's rate, or, when slower, this invocation's pace per
     * unit (DynamoDB, Kit's latency), plus the wait before it may start.
     */
    private static long eta(List<ProvisionRequest.Entry> rest, boolean bulk, long intervalMillis,
            DeadlineBatch.Progress progress, int waitSeconds) {
        long byRate = DeadlineBatch.requests(rest, bulk) * intervalMillis;
        int unitSize = bulk ? BatchProvision.BULK_SYNC_LIMIT : 1;
        long units = (rest.size() + unitSize - 1) / unitSize;
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
