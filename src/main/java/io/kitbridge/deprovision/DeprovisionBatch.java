package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.BudgetExhaustedException;
import io.kitbridge.budget.Priority;
import io.kitbridge.budget.RateBudget;
import io.kitbridge.common.Deadline;
import io.kitbridge.common.Deadlines;
import io.kitbridge.common.NextInput;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitCredential;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Offboarding several people in one call: {"account", "people": [{"email"} | {"subscriberId"}], "dryRun", "force"}.
 * A thin loop around {@link DeprovisionService#deprovision}: each person takes the single-person path (and its
 * reservation under the hourly limit). The loop stops, handing on {@code next}, when the deadline no longer covers the
 * next person plus a margin, when the rate budget has no permit, or when the hourly limit refuses a person.
 */
@ApplicationScoped
public class DeprovisionBatch {
    private static final String LIMITED = "DeprovisionLimitExceeded";

    @Inject DeprovisionService service;

    @Inject DeprovisionConfig config;

    @Inject Deadlines deadlines;

    @Inject KitGateway kit;

    @Inject RateBudget budget;

    @Inject BudgetConfig budgetConfig;

    @Inject Clock clock;

    public DeprovisionBatchOutput deprovision(JsonNode input) {
        List<DeprovisionRequest> requests = DeprovisionRequest.batchFrom(input, config.maxBatch());
        String account = requests.get(0).account();
        Deadline deadline = deadlines.start(config.maxInvocationTime());
        long before = kit.requestsSent();
        List<BatchOutcome> results = new ArrayList<>();
        long longest = 0;
        String reason = null;
        int wait = 0;
        for (DeprovisionRequest request : requests) {
            if (!results.isEmpty() && !deadline.covers(Duration.ofMillis(longest), config.deadlineMargin())) {
                reason = "deadline: " + deadline.remaining().toMillis() + " ms left, a person may take " + longest + " ms + "
                        + config.deadlineMargin().toMillis() + " ms margin";
                break;
            }
            long started = deadline.nowMillis();
            try {
                results.add(BatchOutcome.of(service.deprovision(request)));
            } catch (BudgetExhaustedException | KitException e) {
                if (e instanceof KitException failure && failure.kind() != KitErrorKind.RATE_LIMITED) {
                    results.add(BatchOutcome.failed(request.email(), request.subscriberId(), failure.errorType(),
                            failure.getMessage()));
                } else {
                    reason = "rate budget: " + e.getMessage();
                    wait = budgetWait(account);
                    break;
                }
            } catch (KitbridgeException e) {
                if (LIMITED.equals(e.errorType())) {
                    reason = e.getMessage();
                    wait = secondsToNextHour();
                    break;
                }
                results.add(BatchOutcome.failed(request.email(), request.subscriberId(), e.errorType(), e.getMessage()));
            }
            longest = Math.max(longest, deadline.nowMillis() - started);
        }
        int handled = results.size();
        int remaining = requests.size() - handled;
        Map<String, Integer> summary = new TreeMap<>();
        results.forEach(r -> summary.merge(r.outcomeName(), 1, Integer::sum));
        long eta = remaining == 0 ? 0 : wait + (remaining * Math.max(longest, 1) + 999) / 1000;
        return new DeprovisionBatchOutput(results, summary, remaining == 0, handled, remaining, wait, eta, reason,
                remaining == 0 ? null : NextInput.after(input, handled), kit.requestsSent() - before);
    }

    /** The hourly limit counts in hour buckets: the current one stops counting fully at the next hour. */
    private int secondsToNextHour() {
        long now = clock.instant().getEpochSecond();
        return (int) (DeprovisionGuard.HOUR_SECONDS - now % DeprovisionGuard.HOUR_SECONDS);
    }

    private int budgetWait(String account) {
        KitCredential c = kit.credential(io.kitbridge.kit.CredentialResolver.validateAccount(account));
        Duration wait = budget.peekWait(c.budgetKey(), c.kind().limit(budgetConfig), Priority.INTERACTIVE);
        return (int) Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
