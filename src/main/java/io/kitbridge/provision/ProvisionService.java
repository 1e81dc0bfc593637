package io.kitbridge.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitCatalog;
import io.kitbridge.kit.KitCredential;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Provisioning with no silent loss: every custom field key is checked against the account before anything is
 * written (Kit drops unknown keys without a word), tags resolve to ids, an unsubscribed person is reported as
 * suppressed (never as provisioned), and the desired state is recorded for the sync's drift check.
 *
 * <p>The parts: {@link RequestParser} reads the input, {@link AccountCatalog} holds the account's fields and tags,
 * {@link ProvisionPlan} decides, {@link ProvisionSteps} does what both paths share, {@link SinglePerson} and
 * {@link BatchProvision} are the two paths.
 */
@ApplicationScoped
public class ProvisionService {
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
    Clock clock;

    public ProvisionOutput provision(JsonNode input) {
        long requestsBefore = kit.requestsSent();
        ProvisionRequest request = new RequestParser(config).parse(input);
        KitCredential credential = credentials.resolve(request.account());
        ProvisionSteps steps = new ProvisionSteps(request.account(), new AccountCatalog(catalog, request.account()), kit,
                mirror, clock, budgetConfig.interactiveMaxWait());
        if (!request.isBatch()) {
            ProvisionResult result = new SinglePerson(steps).provision(request.person());
            return new ProvisionOutput(result, null, null, kit.requestsSent() - requestsBefore);
        }
        boolean bulkAllowed = config.useBulk() && credential.allowsBulk();
        List<ProvisionResult> results = new BatchProvision(steps, bulkAllowed).provision(request.people());
        Map<String, Integer> summary = new TreeMap<>();
        results.forEach(r -> summary.merge(r.outcome(), 1, Integer::sum));
        return new ProvisionOutput(null, results, summary, kit.requestsSent() - requestsBefore);
    }
}
