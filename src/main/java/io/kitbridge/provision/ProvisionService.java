package io.kitbridge.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.Priority;
import io.kitbridge.common.EmailAddress;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.common.JsonInput;
import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.BulkResult;
import io.kitbridge.kit.BulkSubscriber;
import io.kitbridge.kit.BulkSubscribersRequest;
import io.kitbridge.kit.BulkTaggingsRequest;
import io.kitbridge.kit.CredentialResolver;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitCatalog;
import io.kitbridge.kit.KitCredential;
import io.kitbridge.kit.KitErrors;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberEnvelope;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.kit.SubscriberUpsert;
import io.kitbridge.kit.Tagging;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Provisioning with no silent loss: every custom field key is checked against the account before anything is
 * written (Kit drops unknown keys without a word), tags resolve to ids, an unsubscribed person is reported as
 * suppressed (never as provisioned), and the desired state is recorded for the sync's drift check.
 */
@ApplicationScoped
public class ProvisionService {
    private static final int BULK_SYNC_LIMIT = 100;
    private static final int MAX_NAME = 255;
    private static final int MAX_TAG_NAME = 255;

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
        JsonNode root = JsonInput.object(input, "input");
        String account = CredentialResolver.validateAccount(JsonInput.string(root, "account", "").orElse(null));
        long requestsBefore = kit.requestsSent();
        if (!root.has("people")) {
            PersonSpec person = parsePerson(root, "", false, false, false);
            KitCredential credential = credentials.resolve(account);
            Catalog cat = new Catalog(account);
            ProvisionResult result = new Run(account, credential, cat, false).one(person);
            return new ProvisionOutput(result, null, null, kit.requestsSent() - requestsBefore);
        }
        JsonNode people = root.get("people");
        if (!people.isArray()) {
            throw new InvalidInputException("people", "must be an array of people");
        }
        if (people.isEmpty()) {
            throw new InvalidInputException("people", "must not be empty");
        }
        if (people.size() > config.maxBatch()) {
            throw new InvalidInputException("people", "has " + people.size() + " people; at most " + config.maxBatch() + " per call");
        }
        boolean createFields = JsonInput.bool(root, "createMissingFields", "", false);
        boolean createTags = JsonInput.bool(root, "createMissingTags", "", false);
        boolean dryRun = JsonInput.bool(root, "dryRun", "", false);
        KitCredential credential = credentials.resolve(account);
        List<ProvisionResult> results = new ArrayList<>();
        List<PersonSpec> valid = new ArrayList<>();
        Map<Integer, Integer> validIndex = new HashMap<>();
        for (int i = 0; i < people.size(); i++) {
            try {
                PersonSpec spec = parsePerson(JsonInput.object(people.get(i), "people[" + i + "]"), "people[" + i + "].",
                        createFields, createTags, dryRun);
                validIndex.put(i, valid.size());
                valid.add(spec);
                results.add(null);
            } catch (InvalidInputException bad) {
                String email = people.get(i).path("email").asText(null);
                results.add(ProvisionResult.failed(email, bad.errorType(), bad.getMessage()));
            }
        }
        Catalog cat = new Catalog(account);
        List<ProvisionResult> done = new Run(account, credential, cat, true).many(valid);
        validIndex.forEach((inputIndex, validPos) -> results.set(inputIndex, done.get(validPos)));
        Map<String, Integer> summary = new TreeMap<>();
        results.forEach(r -> summary.merge(r.outcome(), 1, Integer::sum));
        return new ProvisionOutput(null, results, summary, kit.requestsSent() - requestsBefore);
    }

    PersonSpec parsePerson(JsonNode node, String path, boolean createFields, boolean createTags, boolean dryRun) {
        String email = EmailAddress.normalize(path + "email", JsonInput.string(node, "email", path).orElse(null));
        String firstName = JsonInput.string(node, "firstName", path).map(String::trim).orElse(null);
        if (firstName != null && firstName.length() > MAX_NAME) {
            throw new InvalidInputException(path + "firstName", "is longer than " + MAX_NAME + " characters");
        }
        Map<String, String> fields = JsonInput.fieldMap(node, "fields", path, config.maxFieldsPerPerson());
        List<String> tags = JsonInput.stringList(node, "tags", path, config.maxTagsPerPerson(), MAX_TAG_NAME);
        return new PersonSpec(path, email, firstName == null || firstName.isEmpty() ? null : firstName, fields, tags,
                JsonInput.bool(node, "createMissingFields", path, createFields),
                JsonInput.bool(node, "createMissingTags", path, createTags),
                JsonInput.bool(node, "dryRun", path, dryRun));
    }

    /** The account's field keys and tags, read once per invocation and refreshed once on a miss. */
    private final class Catalog {
        final String account;
        Set<String> fieldKeys;
        Map<String, Long> tags;
        boolean fieldsRefreshed;
        boolean tagsRefreshed;

        Catalog(String account) {
            this.account = account;
        }

        List<String> unknownFields(Set<String> keys) {
            if (keys.isEmpty()) {
                return List.of();
            }
            if (fieldKeys == null) {
                fieldKeys = new LinkedHashSet<>(catalog.fieldKeys(account, Priority.INTERACTIVE, false));
            }
            if (!fieldKeys.containsAll(keys) && !fieldsRefreshed) {
                fieldKeys = new LinkedHashSet<>(catalog.fieldKeys(account, Priority.INTERACTIVE, true));
                fieldsRefreshed = true;
            }
            return keys.stream().filter(k -> !fieldKeys.contains(k)).sorted().toList();
        }

        List<String> unknownTags(List<String> names) {
            if (names.isEmpty()) {
                return List.of();
            }
            if (tags == null) {
                tags = catalog.tags(account, Priority.INTERACTIVE, false);
            }
            if (!names.stream().allMatch(tags::containsKey) && !tagsRefreshed) {
                tags = catalog.tags(account, Priority.INTERACTIVE, true);
                tagsRefreshed = true;
            }
            return names.stream().filter(n -> !tags.containsKey(n)).toList();
        }
    }

    /** One invocation's work; batch mode reports per person instead of throwing. */
    private final class Run {
        final String account;
        final KitCredential credential;
        final Catalog cat;
        final boolean batch;

        Run(String account, KitCredential credential, Catalog cat, boolean batch) {
            this.account = account;
            this.credential = credential;
            this.cat = cat;
            this.batch = batch;
        }

        ProvisionResult one(PersonSpec person) {
            List<String> plan = new ArrayList<>();
            prepare(person, plan);
            if (person.dryRun()) {
                return planned(person, plan);
            }
            Optional<MirrorRecord> before = mirror.findByEmail(account, person.email());
            RestResponse<SubscriberEnvelope> upserted = kit.call(interactive("upsert subscriber", true),
                    api -> api.upsertSubscriber(account, new SubscriberUpsert(person.email(), person.firstName(), null,
                            person.fields().isEmpty() ? null : person.fields())));
            SubscriberEnvelope envelope = upserted.getEntity();
            if (envelope == null || envelope.subscriber() == null) {
                throw KitErrors.emptyBody("upsert subscriber");
            }
            List<String> warnings = new ArrayList<>(envelope.warningsOrEmpty());
            if (upserted.getStatus() == 202) {
                warnings.add("Kit accepted more than 10 custom fields and applies them asynchronously");
            }
            String outcome = upserted.getStatus() == 201 ? ProvisionResult.CREATED : ProvisionResult.UPDATED;
            return finish(person, envelope.subscriber(), outcome, warnings, before, true);
        }

        List<ProvisionResult> many(List<PersonSpec> people) {
            List<ProvisionResult> results = new ArrayList<>();
            List<PersonSpec> viaBulk = new ArrayList<>();
            Map<PersonSpec, Integer> position = new HashMap<>();
            for (PersonSpec person : people) {
                position.put(person, results.size());
                try {
                    List<String> plan = new ArrayList<>();
                    prepare(person, plan);
                    if (person.dryRun()) {
                        results.add(planned(person, plan));
                    } else if (useBulkFor(person)) {
                        results.add(null); // filled by the bulk pass below
                        viaBulk.add(person);
                    } else {
                        results.add(upsertOnly(person));
                    }
                } catch (KitbridgeException failure) {
                    results.add(ProvisionResult.failed(person.email(), failure.errorType(), failure.getMessage()));
                }
            }
            bulkCreate(viaBulk, results, position);
            applyTagsInBulk(people, results, position);
            return results;
        }

        private boolean useBulkFor(PersonSpec person) {
            // Kit's bulk create takes no custom fields: people with fields need their own upsert
            return config.useBulk() && credential.allowsBulk() && person.fields().isEmpty();
        }

        /** Batch mode: upsert now, tags later in one bulk pass (or per call for API keys). */
        private ProvisionResult upsertOnly(PersonSpec person) {
            Optional<MirrorRecord> before = mirror.findByEmail(account, person.email());
            RestResponse<SubscriberEnvelope> upserted = kit.call(interactive("upsert subscriber", true),
                    api -> api.upsertSubscriber(account, new SubscriberUpsert(person.email(), person.firstName(), null,
                            person.fields().isEmpty() ? null : person.fields())));
            SubscriberEnvelope envelope = upserted.getEntity();
            if (envelope == null || envelope.subscriber() == null) {
                throw KitErrors.emptyBody("upsert subscriber");
            }
            List<String> warnings = new ArrayList<>(envelope.warningsOrEmpty());
            String outcome = upserted.getStatus() == 201 ? ProvisionResult.CREATED : ProvisionResult.UPDATED;
            return finish(person, envelope.subscriber(), outcome, warnings, before, !bulkTagging());
        }

        private void bulkCreate(List<PersonSpec> people, List<ProvisionResult> results, Map<PersonSpec, Integer> position) {
            for (int i = 0; i < people.size(); i += BULK_SYNC_LIMIT) {
                List<PersonSpec> chunk = people.subList(i, Math.min(people.size(), i + BULK_SYNC_LIMIT));
                Map<String, Optional<MirrorRecord>> before = new HashMap<>();
                chunk.forEach(p -> before.put(p.email(), mirror.findByEmail(account, p.email())));
                try {
                    // <= 100 rows: Kit answers synchronously with every subscriber, so no callback is needed
                    RestResponse<BulkResult> response = kit.call(interactive("bulk create subscribers", true),
                            api -> api.bulkCreateSubscribers(account, new BulkSubscribersRequest(chunk.stream()
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
                            results.set(at, finish(p, s, outcome, new ArrayList<>(), before.get(p.email()), false));
                        }
                    }
                } catch (KitbridgeException failure) {
                    chunk.forEach(p -> results.set(position.get(p), ProvisionResult.failed(p.email(), failure.errorType(),
                            failure.getMessage())));
                }
            }
        }

        private boolean bulkTagging() {
            return config.useBulk() && credential.allowsBulk();
        }

        /** API keys tagged each person as it went; OAuth batches tag everyone in chunks of 100 taggings. */
        private void applyTagsInBulk(List<PersonSpec> people, List<ProvisionResult> results, Map<PersonSpec, Integer> position) {
            if (!bulkTagging()) {
                return;
            }
            List<Tagging> taggings = new ArrayList<>();
            Map<Long, PersonSpec> bySubscriber = new HashMap<>();
            for (PersonSpec p : people) {
                ProvisionResult r = results.get(position.get(p));
                if (r == null || r.subscriberId() == null || p.tags().isEmpty() || !isProvisioned(r)) {
                    continue;
                }
                bySubscriber.put(r.subscriberId(), p);
                p.tags().forEach(name -> taggings.add(new Tagging(cat.tags.get(name), r.subscriberId())));
            }
            Map<Long, List<String>> failed = new HashMap<>();
            for (int i = 0; i < taggings.size(); i += BULK_SYNC_LIMIT) {
                List<Tagging> chunk = taggings.subList(i, Math.min(taggings.size(), i + BULK_SYNC_LIMIT));
                try {
                    RestResponse<BulkResult> response = kit.call(interactive("bulk tag subscribers", true),
                            api -> api.bulkTagSubscribers(account, new BulkTaggingsRequest(chunk, null)));
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
                    recordTags(p, subscriberId, p.tags());
                    results.set(at, withTags(r, p.tags(), r.warnings()));
                } else {
                    results.set(at, new ProvisionResult(r.subscriberId(), r.email(), r.state(), ProvisionResult.FAILED,
                            List.of(), r.fieldsApplied(), r.warnings(), null, null, "KitRejected",
                            "subscriber saved but tagging failed: " + problems));
                }
            });
        }

        /** Validates field keys and tag names against the account; creates missing ones when allowed. */
        private void prepare(PersonSpec person, List<String> plan) {
            List<String> unknownFields = cat.unknownFields(person.fields().keySet());
            if (!unknownFields.isEmpty()) {
                if (!person.createMissingFields()) {
                    throw new UnknownCustomFieldsException(person.path(), unknownFields);
                }
                for (String key : unknownFields) {
                    plan.add("create custom field " + key);
                    if (!person.dryRun()) {
                        String created = catalog.createField(account, key);
                        if (!created.equals(key)) {
                            throw new InvalidInputException(person.path() + "fields." + key, "Kit derives custom field keys"
                                    + " from labels and made '" + created + "'; use that key");
                        }
                        cat.fieldKeys.add(key);
                    }
                }
            }
            List<String> unknownTags = cat.unknownTags(person.tags());
            if (!unknownTags.isEmpty()) {
                if (!person.createMissingTags()) {
                    throw new KitbridgeException("UnknownTags", person.path() + "tags: " + unknownTags
                            + " do not exist in this Kit account; create them or pass \"createMissingTags\": true");
                }
                for (String name : unknownTags) {
                    plan.add("create tag " + name);
                    if (!person.dryRun()) {
                        cat.tags.put(name, catalog.createTag(account, name));
                    }
                }
            }
            plan.add("upsert subscriber " + person.email() + (person.fields().isEmpty() ? "" : " with fields "
                    + new TreeSet<>(person.fields().keySet())));
            if (!person.tags().isEmpty()) {
                plan.add("tag with " + person.tags());
            }
        }

        private ProvisionResult planned(PersonSpec person, List<String> plan) {
            Optional<MirrorRecord> known = mirror.findByEmail(account, person.email());
            List<String> warnings = new ArrayList<>();
            known.filter(r -> SubscriberState.parse(r.state()).isSuppressed()).ifPresent(r -> warnings.add(
                    "the mirror shows this person as " + r.state() + " in Kit: provisioning would report suppressed"));
            return new ProvisionResult(known.map(MirrorRecord::subscriberId).orElse(null), person.email(),
                    known.map(MirrorRecord::state).orElse(null), ProvisionResult.PLANNED, person.tags(), person.fields(),
                    warnings, null, plan, null, null);
        }

        /** After the subscriber is saved: suppressed check, tags (unless deferred to bulk), desired state, mirror, audit. */
        private ProvisionResult finish(PersonSpec person, Subscriber saved, String outcome, List<String> warnings,
                Optional<MirrorRecord> before, boolean tagNow) {
            SubscriberState state = saved.subscriberState();
            Map<String, String> fieldsApplied = appliedFields(person, saved, warnings);
            if (state.isSuppressed()) {
                String reason = "Kit has this person as '" + state.wireName() + "'; Kit cannot re-activate a subscriber by API,"
                        + " so no tags were applied (they must re-subscribe themselves)";
                writeMirror(person, saved, before, List.of());
                audit(person, saved.id(), ProvisionResult.SUPPRESSED, before, reason);
                return new ProvisionResult(saved.id(), person.email(), state.wireName(), ProvisionResult.SUPPRESSED, List.of(),
                        fieldsApplied, warnings, reason, null, null, null);
            }
            mirror.putDesired(account, person.email(), person.fields(), person.tags());
            List<String> tagged = new ArrayList<>();
            if (tagNow) {
                for (String name : person.tags()) {
                    long tagId = cat.tags.get(name);
                    kit.call(interactive("tag subscriber", true), api -> api.tagSubscriber(account, tagId, saved.id()));
                    tagged.add(name);
                }
            }
            writeMirror(person, saved, before, tagged);
            audit(person, saved.id(), outcome, before, null);
            return new ProvisionResult(saved.id(), person.email(), state.wireName(), outcome, tagged, fieldsApplied,
                    warnings, null, null, null, null);
        }

        private void recordTags(PersonSpec person, long subscriberId, List<String> tags) {
            mirror.get(account, subscriberId).ifPresent(r -> writeMirror(person, null, Optional.of(r), tags));
        }

        private ProvisionResult withTags(ProvisionResult r, List<String> tags, List<String> warnings) {
            return new ProvisionResult(r.subscriberId(), r.email(), r.state(), r.outcome(), tags, r.fieldsApplied(),
                    warnings, r.reason(), r.plan(), null, null);
        }

        private boolean isProvisioned(ProvisionResult r) {
            return ProvisionResult.CREATED.equals(r.outcome()) || ProvisionResult.UPDATED.equals(r.outcome());
        }

        /** The fields Kit now holds as we asked; a key Kit dropped anyway (race with a deletion) becomes a warning. */
        private Map<String, String> appliedFields(PersonSpec person, Subscriber saved, List<String> warnings) {
            Map<String, String> applied = new LinkedHashMap<>();
            Map<String, String> kitFields = saved.fields();
            person.fields().forEach((k, v) -> {
                if (kitFields == null || kitFields.containsKey(k)) {
                    applied.put(k, v);
                } else {
                    warnings.add("Kit did not keep custom field '" + k + "'");
                }
            });
            return applied;
        }

        /** saved == null: only merge tags into the existing record. */
        private void writeMirror(PersonSpec person, Subscriber saved, Optional<MirrorRecord> before, List<String> addedTags) {
            MirrorRecord prior = before.orElse(null);
            TreeSet<String> tags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            if (prior != null && prior.tags() != null) {
                tags.addAll(prior.tags());
            }
            tags.addAll(addedTags);
            List<Long> tagIds = tags.stream().map(n -> cat.tags == null ? null : cat.tags.get(n))
                    .filter(java.util.Objects::nonNull).toList();
            Map<String, String> fields = new TreeMap<>();
            if (prior != null && prior.fields() != null) {
                fields.putAll(prior.fields());
            }
            if (saved != null && saved.fields() != null) {
                fields.putAll(saved.fields());
            } else {
                fields.putAll(person.fields());
            }
            fields.values().removeIf(java.util.Objects::isNull);
            long id = saved != null ? saved.id() : prior.subscriberId();
            String firstName = saved != null && saved.firstName() != null ? saved.firstName()
                    : person.firstName() != null ? person.firstName() : prior == null ? null : prior.firstName();
            String state = saved != null ? saved.subscriberState().wireName() : prior.state();
            // observed when Kit answered; merged so a later webhook or sync observation is never replaced
            long now = clock.millis();
            Map<Long, MirrorObservation.TagSeen> seen = new java.util.HashMap<>();
            for (String name : addedTags) {
                Long tagId = cat.tags == null ? null : cat.tags.get(name);
                if (tagId != null) {
                    seen.put(tagId, new MirrorObservation.TagSeen(now, true, name));
                }
            }
            MirrorObservation.Profile profile = saved == null ? null
                    : new MirrorObservation.Profile(now, person.email(), firstName, state, fields);
            mirror.merge(account, id, before, ignored -> new MirrorObservation(account, id, profile, seen, 0,
                    MirrorRecord.SOURCE_PROVISION, null, true));
        }

        private void audit(PersonSpec person, long subscriberId, String outcome, Optional<MirrorRecord> before, String detail) {
            Map<String, String> after = new TreeMap<>(person.fields());
            after.values().removeIf(java.util.Objects::isNull);
            if (!person.tags().isEmpty()) {
                after.put("tags", String.join(",", person.tags()));
            }
            Map<String, String> prior = before.map(r -> {
                Map<String, String> m = new TreeMap<>(r.fields() == null ? Map.of() : r.fields());
                m.values().removeIf(java.util.Objects::isNull);
                m.put("state", r.state());
                m.put("tags", String.join(",", r.tags()));
                return m;
            }).orElse(null);
            mirror.audit(account, new AuditEntry(null, "provision", person.email(), subscriberId, outcome, "provision",
                    prior, after, detail));
        }

        private KitCall interactive(String operation, boolean repeatable) {
            return KitCall.interactive(account, operation, repeatable, budgetConfig.interactiveMaxWait());
        }
    }

}
