package io.kitbridge.provision;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.BulkResult;
import io.kitbridge.kit.BulkSubscriber;
import io.kitbridge.kit.BulkSubscribersRequest;
import io.kitbridge.kit.BulkTaggingsRequest;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.Tagging;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * A batch: every person gets a result, in input order, and one person's failure never stops the others. With a
 * credential that allows Kit's bulk endpoints (OAuth) and {@code use-bulk}, people without custom fields are
 * created in bulk calls of at most 100, and everyone's tags are applied in bulk calls of at most 100 taggings;
 * otherwise each person is upserted and tagged on their own.
 */
final class BatchProvision {
    /** Kit answers a bulk call of at most 100 rows synchronously, so no callback is needed. */
    static final int BULK_SYNC_LIMIT = 100;

    private final ProvisionSteps steps;
    private final boolean bulkAllowed;

    BatchProvision(ProvisionSteps steps, boolean bulkAllowed) {
        this.steps = steps;
        this.bulkAllowed = bulkAllowed;
    }

    List<ProvisionResult> provision(List<ProvisionRequest.Entry> entries) {
        List<ProvisionResult> results = new ArrayList<>();
        List<PersonSpec> people = new ArrayList<>();
        List<PersonSpec> viaBulk = new ArrayList<>();
        Map<PersonSpec, Integer> position = new HashMap<>();
        for (ProvisionRequest.Entry entry : entries) {
            if (entry.person() == null) {
                results.add(entry.refused());
                continue;
            }
            PersonSpec person = entry.person();
            people.add(person);
            position.put(person, results.size());
            try {
                List<String> plan = steps.prepare(person);
                if (person.dryRun()) {
                    results.add(steps.planned(person, plan));
                } else if (viaBulkCreate(person, bulkAllowed)) {
                    results.add(null); // filled by the bulk pass below
                    viaBulk.add(person);
                } else {
                    results.add(upsertOnly(person));
                }
            } catch (KitbridgeException failure) {
                results.add(ProvisionResult.failed(person.email(), failure.errorType(), failure.getMessage()));
            }
        }
        chunks(viaBulk, BULK_SYNC_LIMIT).forEach(chunk -> bulkCreate(chunk, results, position));
        if (bulkAllowed) {
            applyTagsInBulk(people, results, position);
        }
        return results;
    }

    /** Kit's bulk create takes no custom fields: people with fields need their own upsert. */
    static boolean viaBulkCreate(PersonSpec person, boolean bulkAllowed) {
        return bulkAllowed && person.fields().isEmpty();
    }

    static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    /** Upsert now; tags later in one bulk pass, or (API keys) per call right away. */
    private ProvisionResult upsertOnly(PersonSpec person) {
        ProvisionSteps.Upserted upserted = steps.upsert(person);
        return steps.finish(person, upserted.subscriber(), upserted.outcome(), upserted.warnings(), upserted.before(),
                !bulkAllowed);
    }

    private void bulkCreate(List<PersonSpec> chunk, List<ProvisionResult> results, Map<PersonSpec, Integer> position) {
        Map<String, Optional<MirrorRecord>> before = new HashMap<>();
        chunk.forEach(p -> before.put(p.email(), steps.known(p.email())));
        try {
            RestResponse<BulkResult> response = steps.kit().call(steps.interactive("bulk create subscribers", true),
                    api -> api.bulkCreateSubscribers(steps.account(), new BulkSubscribersRequest(chunk.stream()
                            .map(p -> new BulkSubscriber(p.email(), p.firstName(), null)).toList(), null)));
            BulkResult result = response.getEntity();
            Map<String, Subscriber> byEmail = new HashMap<>();
            if (result != null && result.subscribers() != null) {
                result.subscribers().forEach(s -> byEmail.put(MirrorStore.normalizeEmail(s.emailAddress()), s));
            }
            Map<String, String> failures = new HashMap<>();
            if (result != null) {
                result.failuresOrEmpty().forEach(f -> failures.put(MirrorStore.normalizeEmail(f.emailAddress()),
                        f.errors() == null ? "rejected by Kit" : String.join("; ", f.errors())));
            }
            for (PersonSpec p : chunk) {
                Subscriber s = byEmail.get(p.email());
                int at = position.get(p);
                if (s == null) {
                    results.set(at, ProvisionResult.failed(p.email(), "KitRejected",
                            failures.getOrDefault(p.email(), "Kit's bulk create did not return this person")));
                } else {
                    String outcome = before.get(p.email()).isPresent() ? ProvisionResult.UPDATED : ProvisionResult.CREATED;
                    results.set(at, steps.finish(p, s, outcome, new ArrayList<>(), before.get(p.email()), false));
                }
            }
        } catch (KitbridgeException failure) {
            chunk.forEach(p -> results.set(position.get(p), ProvisionResult.failed(p.email(), failure.errorType(),
                    failure.getMessage())));
        }
    }

    /** Everyone provisioned with tags, tagged in chunks of 100 taggings; a refused tagging fails that person. */
    private void applyTagsInBulk(List<PersonSpec> people, List<ProvisionResult> results, Map<PersonSpec, Integer> position) {
        List<Tagging> taggings = new ArrayList<>();
        Map<Long, PersonSpec> bySubscriber = new HashMap<>();
        for (PersonSpec p : people) {
            ProvisionResult r = results.get(position.get(p));
            if (r == null || r.subscriberId() == null || p.tags().isEmpty() || !r.isProvisioned()) {
                continue;
            }
            bySubscriber.put(r.subscriberId(), p);
            p.tags().forEach(name -> taggings.add(new Tagging(steps.tagId(name), r.subscriberId())));
        }
        Map<Long, List<String>> failed = new HashMap<>();
        for (List<Tagging> chunk : chunks(taggings, BULK_SYNC_LIMIT)) {
            try {
                RestResponse<BulkResult> response = steps.kit().call(steps.interactive("bulk tag subscribers", true),
                        api -> api.bulkTagSubscribers(steps.account(), new BulkTaggingsRequest(chunk, null)));
                if (response.getEntity() != null) {
                    response.getEntity().failuresOrEmpty().forEach(f -> failed.computeIfAbsent(f.subscriberId(),
                            k -> new ArrayList<>()).add("tag " + f.tagId() + ": " + f.errors()));
                }
            } catch (KitbridgeException failure) {
                chunk.forEach(t -> failed.computeIfAbsent(t.subscriberId(), k -> new ArrayList<>())
                        .add("tag " + t.tagId() + ": " + failure.getMessage()));
            }
        }
        bySubscriber.forEach((subscriberId, p) -> {
            int at = position.get(p);
            ProvisionResult r = results.get(at);
            List<String> problems = failed.getOrDefault(subscriberId, List.of());
            if (problems.isEmpty()) {
                steps.recordTags(p, subscriberId, p.tags());
                results.set(at, r.withTagsApplied(p.tags()));
            } else {
                results.set(at, r.taggingFailed(problems));
            }
        });
    }
}
