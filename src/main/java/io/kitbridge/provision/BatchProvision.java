package io.kitbridge.provision;

import io.kitbridge.kit.KitLimits;
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
 * otherwise each person is upserted and tagged on their own, their permits reserved in one budget write. The
 * DynamoDB writes are kept for {@link #flush} (see {@link ProvisionSteps#flush}).
 */
final class BatchProvision {
    /** Kit answers a bulk call of at most 100 rows synchronously, so no callback is needed. */
    /** People whose writes are kept before they are flushed: one BatchGetItem, desired + audit in 2 BatchWriteItem. */
    static final int FLUSH_EVERY = 25;

    private final ProvisionSteps steps;
    private final boolean bulkAllowed;

    BatchProvision(ProvisionSteps steps, boolean bulkAllowed) {
        this.steps = steps;
        this.bulkAllowed = bulkAllowed;
        steps.batchWrites();
    }

    /** A person Kit saved, to be finished once their tags are applied in bulk. */
    private record Saved(PersonSpec person, Subscriber subscriber, String outcome, List<String> warnings,
            Optional<MirrorRecord> before) {
    }

    List<ProvisionResult> provision(List<ProvisionRequest.Entry> entries) {
        List<ProvisionResult> results = new ArrayList<>();
        List<PersonSpec> viaBulk = new ArrayList<>();
        List<Saved> saved = new ArrayList<>();
        Map<PersonSpec, Integer> position = new HashMap<>();
        for (ProvisionRequest.Entry entry : entries) {
            if (entry.person() == null) {
                results.add(entry.refused());
                continue;
            }
            PersonSpec person = entry.person();
            position.put(person, results.size());
            try {
                List<String> plan = steps.prepare(person);
                if (person.dryRun()) {
                    results.add(steps.planned(person, plan));
                } else if (viaBulkCreate(person, bulkAllowed)) {
                    results.add(null); // filled once the bulk passes below are done
                    viaBulk.add(person);
                } else if (bulkAllowed) {
                    ProvisionSteps.Upserted upserted = steps.upsert(person);
                    results.add(null);
                    saved.add(new Saved(person, upserted.subscriber(), upserted.outcome(), upserted.warnings(), null));
                } else {
                    results.add(oneByOne(person));
                }
            } catch (KitbridgeException failure) {
                results.add(ProvisionResult.failed(person.email(), failure.errorType(), failure.getMessage()));
            }
        }
        chunks(viaBulk, KitLimits.BULK_SYNC_ITEMS).forEach(chunk -> bulkCreate(chunk, results, position, saved));
        if (bulkAllowed) {
            finishWithBulkTags(saved, results, position);
        }
        return results;
    }

    /** Writes kept so far, when there are enough of them to batch (or {@code all}: the invocation is ending). */
    void flush(boolean all) {
        if (all || steps.pendingWrites() >= FLUSH_EVERY) {
            steps.flush();
        }
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

    /** API key: the person's upsert and tag requests take their permits in one budget write, then go one by one. */
    private ProvisionResult oneByOne(PersonSpec person) {
        steps.reservePermits(1 + person.tags().size());
        try {
            ProvisionSteps.Upserted upserted = steps.upsert(person);
            return steps.finish(person, upserted.subscriber(), upserted.outcome(), upserted.warnings(), null, true,
                    List.of());
        } finally {
            steps.releasePermits();
        }
    }

    private void bulkCreate(List<PersonSpec> chunk, List<ProvisionResult> results, Map<PersonSpec, Integer> position,
            List<Saved> saved) {
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
            // what the mirror knew decides created or updated: one read for the chunk, by the ids Kit answered
            Map<Long, MirrorRecord> known = steps.knownById(byEmail.values().stream().map(Subscriber::id).toList());
            for (PersonSpec p : chunk) {
                Subscriber s = byEmail.get(p.email());
                if (s == null) {
                    results.set(position.get(p), ProvisionResult.failed(p.email(), "KitRejected",
                            failures.getOrDefault(p.email(), "Kit's bulk create did not return this person")));
                } else {
                    Optional<MirrorRecord> before = Optional.ofNullable(known.get(s.id()));
                    saved.add(new Saved(p, s, before.isPresent() ? ProvisionResult.UPDATED : ProvisionResult.CREATED,
                            new ArrayList<>(), before));
                }
            }
        } catch (KitbridgeException failure) {
            chunk.forEach(p -> results.set(position.get(p), ProvisionResult.failed(p.email(), failure.errorType(),
                    failure.getMessage())));
        }
    }

    /**
     * Everyone Kit saved and who is not suppressed is tagged in chunks of 100 taggings; then each is finished once,
     * with the tags applied (a refused tagging fails that person, who keeps the rest of their result).
     */
    private void finishWithBulkTags(List<Saved> saved, List<ProvisionResult> results, Map<PersonSpec, Integer> position) {
        List<Tagging> taggings = new ArrayList<>();
        for (Saved s : saved) {
            if (!s.subscriber().subscriberState().isSuppressed()) {
                s.person().tags().forEach(name -> taggings.add(new Tagging(steps.tagId(name), s.subscriber().id())));
            }
        }
        Map<Long, List<String>> failed = new HashMap<>();
        for (List<Tagging> chunk : chunks(taggings, KitLimits.BULK_SYNC_ITEMS)) {
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
        for (Saved s : saved) {
            List<String> problems = failed.getOrDefault(s.subscriber().id(), List.of());
            ProvisionResult r = steps.finish(s.person(), s.subscriber(), s.outcome(), s.warnings(), s.before(), false,
                    problems.isEmpty() ? s.person().tags() : List.of());
            results.set(position.get(s.person()), problems.isEmpty() ? r : r.taggingFailed(problems));
        }
    }
}
