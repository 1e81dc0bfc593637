package io.kitbridge.deprovision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.Priority;
import io.kitbridge.budget.RateBudget;
import io.kitbridge.common.Deadline;
import io.kitbridge.common.Deadlines;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.NextInput;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitCredential;
import io.kitbridge.kit.KitGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Offboarding several people in one call: {"account", "people": [{"email"} | {"subscriberId"}], "dryRun", "force"}.
 * A thin loop around {@link DeprovisionService#deprovision}: each person takes the single-person path (and its
 * reservation under the hourly limit). The loop stops, handing on {@code next}, when the deadline no longer covers the
 * next person plus a margin, when the rate budget has no permit, or when the hourly limit refuses a person.
 */
@ApplicationScoped
public class DeprovisionBatch {
    static final Set<String> POSTPONED = Set.of("RateBudgetExhausted", "KitRateLimited");
    static final String LIMITED = "DeprovisionLimitExceeded";

    @Inject
    DeprovisionService service;

    @Inject
    DeprovisionConfig config;

    @Inject
    Deadlines deadlines;

    @Inject
    KitGateway kit;

    @Inject
    RateBudget budget;

    @Inject
    BudgetConfig budgetConfig;

    @Inject
    Clock clock;

    public DeprovisionBatchOutput deprovision(JsonNode input) {
        Deadline deadline = deadlines.start(config.maxInvocationTime());
        long before = kit.requestsSent();
        JsonNode root = JsonInput.object(input, "input");
        String account = JsonInput.string(root, "account", "").orElse(null);
        JsonNode people = root.get("people");
        if (!people.isArray() || people.isEmpty()) {
            throw new InvalidInputException("people", "must be a non-empty array of {\"email\"} or {\"subscriberId\"}");
        }
        if (people.size() > config.maxBatch()) {
            throw new InvalidInputException("people", "has " + people.size() + " people; at most " + config.maxBatch()
                    + " per call");
        }
        boolean dryRun = JsonInput.bool(root, "dryRun", "", false);
        boolean force = JsonInput.bool(root, "force", "", false);
        List<BatchOutcome> results = new ArrayList<>();
        long longest = 0;
        String reason = null;
        int wait = 0;
        for (int i = 0; i < people.size(); i++) {
            if (i > 0 && !deadline.covers(Duration.ofMillis(longest), config.deadlineMargin())) {
                reason = "deadline: " + deadline.remaining().toMillis() + " ms left, a person may take " + longest + " ms + "
                        + config.deadlineMargin().toMillis() + " ms margin";
                break;
            }
            String path = "people[" + i + "].";
            JsonNode person = JsonInput.object(people.get(i), "people[" + i + "]");
            String email = JsonInput.string(person, "email", path).orElse(null);
            Long id = JsonInput.positiveLong(person, "subscriberId", path).orElse(null);
            long started = deadline.nowMillis();
            try {
                results.add(BatchOutcome.of(service.deprovision(new DeprovisionRequest(account, email, id, dryRun, force))));
            } catch (KitbridgeException e) {
                if (LIMITED.equals(e.errorType())) {
                    reason = e.getMessage();
                    wait = secondsToNextHour();
                    break;
                }
                if (POSTPONED.contains(e.errorType())) {
                    reason = "rate budget: " + e.getMessage();
                    wait = budgetWait(account);
                    break;
                }
                results.add(BatchOutcome.failed(email, id, e.errorType(), e.getMessage()));
            }
            longest = Math.max(longest, deadline.nowMillis() - started);
        }
        int handled = results.size();
        int remaining = people.size() - handled;
        Map<String, Integer> summary = new TreeMap<>();
        results.forEach(r -> summary.merge(r.outcomeName(), 1, Integer::sum));
        long eta = remaining == 0 ? 0 : wait + (remaining * Math.max(longest, 1) + 999) / 1000;
        return new DeprovisionBatchOutput(results, summary, remaining == 0, handled, remaining, wait, eta, reason,
                remaining == 0 ? null : NextInput.after(root, handled), kit.requestsSent() - before);
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
