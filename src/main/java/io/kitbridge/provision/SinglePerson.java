package io.kitbridge.provision;

import java.util.List;

/** One person: plan, upsert, then tags one call at a time; a failure is thrown as the function's typed error. */
final class SinglePerson {
    private final ProvisionSteps steps;

    SinglePerson(ProvisionSteps steps) {
        this.steps = steps;
    }

    ProvisionResult provision(PersonSpec person) {
        List<String> plan = steps.prepare(person);
        if (person.dryRun()) {
            return steps.planned(person, plan);
        }
        ProvisionSteps.Upserted upserted = steps.upsert(person);
        List<String> warnings = upserted.warnings();
        if (upserted.status() == 202) {
            warnings.add("Kit accepted more than 10 custom fields and applies them asynchronously");
        }
        return steps.finish(person, upserted.subscriber(), upserted.outcome(), warnings, null, true, List.of());
    }
}
