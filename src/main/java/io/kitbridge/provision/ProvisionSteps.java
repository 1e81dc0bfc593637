package io.kitbridge.provision;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitErrors;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberEnvelope;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.kit.SubscriberUpsert;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The steps the single-person and the batch path share, for one invocation on one account: check and create
 * catalog entries, upsert, and after the subscriber is saved the suppressed check, tags, desired state, mirror
 * and audit.
 */
final class ProvisionSteps {
    private final String account;
    private final AccountCatalog catalog;
    private final KitGateway kit;
    private final MirrorStore mirror;
    private final Clock clock;
    private final Duration maxWait;
    private Supplier<Duration> waitBound;

    ProvisionSteps(String account, AccountCatalog catalog, KitGateway kit, MirrorStore mirror, Clock clock,
            Duration maxWait) {
        this.account = account;
        this.catalog = catalog;
        this.kit = kit;
        this.mirror = mirror;
        this.clock = clock;
        this.maxWait = maxWait;
        this.waitBound = () -> maxWait;
    }

    /** A batch bounds each permit wait by its deadline too: {@code remaining} is the time it may still wait. */
    void boundWaits(Supplier<Duration> remaining) {
        this.waitBound = () -> {
            Duration left = remaining.get();
            return left.compareTo(maxWait) < 0 ? left : maxWait;
        };
    }

    String account() {
        return account;
    }

    KitGateway kit() {
        return kit;
    }

    KitCall interactive(String operation, boolean repeatable) {
        return KitCall.interactive(account, operation, repeatable, waitBound.get());
    }

    /** Id of a tag that {@link #prepare} checked or created. */
    long tagId(String name) {
        return catalog.tagId(name);
    }

    Optional<MirrorRecord> known(String email) {
        return mirror.findByEmail(account, email);
    }

    /**
     * Validates field keys and tag names against the account and creates missing ones when the person allows it
     * (not in a dry run); returns the plan.
     *
     * @throws KitbridgeException naming what is unknown, before anything is written
     */
    List<String> prepare(PersonSpec person) {
        List<String> newFields = ProvisionPlan.fieldsToCreate(person, catalog.unknownFields(person.fields().keySet()));
        if (!person.dryRun()) {
            newFields.forEach(key -> catalog.createField(person, key));
        }
        List<String> newTags = ProvisionPlan.tagsToCreate(person, catalog.unknownTags(person.tags()));
        if (!person.dryRun()) {
            newTags.forEach(catalog::createTag);
        }
        return ProvisionPlan.steps(person, newFields, newTags);
    }

    /** A dry run's result: the plan, and a warning when the mirror already knows the person as suppressed. */
    ProvisionResult planned(PersonSpec person, List<String> plan) {
        Optional<MirrorRecord> known = known(person.email());
        List<String> warnings = new ArrayList<>();
        known.filter(r -> SubscriberState.parse(r.state()).isSuppressed()).ifPresent(r -> warnings.add(
                "the mirror shows this person as " + r.state() + " in Kit: provisioning would report suppressed"));
        return ProvisionResult.planned(known.map(MirrorRecord::subscriberId).orElse(null), person.email(),
                known.map(MirrorRecord::state).orElse(null), person.tags(), person.fields(), warnings, plan);
    }

    /** One subscriber upserted in Kit, with what the mirror knew before. */
    record Upserted(Optional<MirrorRecord> before, Subscriber subscriber, int status, List<String> warnings) {
        String outcome() {
            return status == 201 ? ProvisionResult.CREATED : ProvisionResult.UPDATED;
        }
    }

    Upserted upsert(PersonSpec person) {
        Optional<MirrorRecord> before = known(person.email());
        RestResponse<SubscriberEnvelope> upserted = kit.call(interactive("upsert subscriber", true),
                api -> api.upsertSubscriber(account, new SubscriberUpsert(person.email(), person.firstName(), null,
                        person.fields().isEmpty() ? null : person.fields())));
        SubscriberEnvelope envelope = upserted.getEntity();
        if (envelope == null || envelope.subscriber() == null) {
            throw KitErrors.emptyBody("upsert subscriber");
        }
        return new Upserted(before, envelope.subscriber(), upserted.getStatus(), new ArrayList<>(envelope.warningsOrEmpty()));
    }

    /** After the subscriber is saved: suppressed check, tags (unless deferred to bulk), desired state, mirror, audit. */
    ProvisionResult finish(PersonSpec person, Subscriber saved, String outcome, List<String> warnings,
            Optional<MirrorRecord> before, boolean tagNow) {
        SubscriberState state = saved.subscriberState();
        Map<String, String> fieldsApplied = ProvisionRecords.appliedFields(person, saved, warnings);
        if (state.isSuppressed()) {
            String reason = "Kit has this person as '" + state.wireName() + "'; Kit cannot re-activate a subscriber by API,"
                    + " so no tags were applied (they must re-subscribe themselves)";
            writeMirror(person, saved, before, List.of());
            audit(person, saved.id(), ProvisionResult.SUPPRESSED, before, reason);
            return ProvisionResult.suppressed(saved.id(), person.email(), state.wireName(), fieldsApplied, warnings, reason);
        }
        mirror.putDesired(account, person.email(), person.fields(), person.tags());
        List<String> tagged = new ArrayList<>();
        if (tagNow) {
            for (String name : person.tags()) {
                long tagId = catalog.tagId(name);
                kit.call(interactive("tag subscriber", true), api -> api.tagSubscriber(account, tagId, saved.id()));
                tagged.add(name);
            }
        }
        writeMirror(person, saved, before, tagged);
        audit(person, saved.id(), outcome, before, null);
        return ProvisionResult.saved(saved.id(), person.email(), state.wireName(), outcome, tagged, fieldsApplied, warnings);
    }

    /** A later (bulk) call tagged the person: merge the tags into the mirror record. */
    void recordTags(PersonSpec person, long subscriberId, List<String> tags) {
        mirror.get(account, subscriberId).ifPresent(r -> writeMirror(person, null, Optional.of(r), tags));
    }

    private void writeMirror(PersonSpec person, Subscriber saved, Optional<MirrorRecord> before, List<String> addedTags) {
        // observed when Kit answered; merged so a later webhook or sync observation is never replaced
        long now = clock.millis();
        MirrorRecord wanted = ProvisionRecords.mirrorRecord(account, person, saved, before.orElse(null), addedTags,
                catalog::tagIdOrNull, now);
        java.util.Map<Long, MirrorObservation.TagSeen> seen = new java.util.HashMap<>();
        for (String name : addedTags) {
            Long tagId = catalog.tagIdOrNull(name);
            if (tagId != null) {
                seen.put(tagId, new MirrorObservation.TagSeen(now, true, name));
            }
        }
        MirrorObservation.Profile profile = saved == null ? null : new MirrorObservation.Profile(now, wanted.email(),
                wanted.firstName(), wanted.state(), wanted.fields());
        mirror.merge(account, wanted.subscriberId(), before, ignored -> new MirrorObservation(account,
                wanted.subscriberId(), profile, seen, 0, MirrorRecord.SOURCE_PROVISION, null, true));
    }

    private void audit(PersonSpec person, long subscriberId, String outcome, Optional<MirrorRecord> before, String detail) {
        mirror.audit(account, ProvisionRecords.auditEntry(person, subscriberId, outcome, before, detail));
    }
}
