package io.kitbridge.provision;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitErrors;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberEnvelope;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.kit.SubscriberUpsert;
import io.kitbridge.store.AuditEntry;
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
    private final List<Pending> pending = new ArrayList<>();
    private boolean batched;
    private io.kitbridge.budget.Reservation reserved;

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
        KitCall call = KitCall.interactive(account, operation, repeatable, waitBound.get());
        return reserved == null ? call : call.using(reserved);
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

    /** One subscriber upserted in Kit. */
    record Upserted(Subscriber subscriber, int status, List<String> warnings) {
        String outcome() {
            return status == 201 ? ProvisionResult.CREATED : ProvisionResult.UPDATED;
        }
    }

    Upserted upsert(PersonSpec person) {
        RestResponse<SubscriberEnvelope> upserted = kit.call(interactive("upsert subscriber", true),
                api -> api.upsertSubscriber(account, new SubscriberUpsert(person.email(), person.firstName(), null,
                        person.fields().isEmpty() ? null : person.fields())));
        SubscriberEnvelope envelope = upserted.getEntity();
        if (envelope == null || envelope.subscriber() == null) {
            throw KitErrors.emptyBody("upsert subscriber");
        }
        return new Upserted(envelope.subscriber(), upserted.getStatus(), new ArrayList<>(envelope.warningsOrEmpty()));
    }

    /**
     * Reserves the permits of {@code requests} Kit requests about to be sent for one person in one budget write;
     * the next calls use them. Refused as a whole when they do not all fall within the wait bound.
     */
    void reservePermits(int requests) {
        reserved = requests > 1 ? kit.reserve(account, waitBound.get(), requests) : null;
    }

    /** Permits reserved for a person and not used (a failed upsert) are given up: the next person reserves anew. */
    void releasePermits() {
        reserved = null;
    }

    /**
     * After the subscriber is saved: suppressed check, tags (now, one call each, or {@code tagged} already by bulk),
     * then desired state, mirror and audit — written at once for one person, at {@link #flush} in a batch.
     *
     * @param before the mirror's record of the subscriber when already read, or null to read it when writing
     */
    ProvisionResult finish(PersonSpec person, Subscriber saved, String outcome, List<String> warnings,
            Optional<MirrorRecord> before, boolean tagNow, List<String> tagged) {
        SubscriberState state = saved.subscriberState();
        Map<String, String> fieldsApplied = ProvisionRecords.appliedFields(person, saved, warnings);
        if (state.isSuppressed()) {
            String reason = "Kit has this person as '" + state.wireName() + "'; Kit cannot re-activate a subscriber by API,"
                    + " so no tags were applied (they must re-subscribe themselves)";
            write(new Pending(person, saved, List.of(), ProvisionResult.SUPPRESSED, reason, before, false, true));
            return ProvisionResult.suppressed(saved.id(), person.email(), state.wireName(), fieldsApplied, warnings, reason);
        }
        List<String> applied = new ArrayList<>(tagNow ? List.of() : tagged);
        if (tagNow) {
            try {
                for (String name : person.tags()) {
                    long tagId = catalog.tagId(name);
                    kit.call(interactive("tag subscriber", true), api -> api.tagSubscriber(account, tagId, saved.id()));
                    applied.add(name);
                }
            } catch (RuntimeException failure) {
                // the person is in Kit: the desired state (for drift repair) and the tags applied so far are kept
                write(new Pending(person, saved, applied, outcome, null, before, true, false));
                throw failure;
            }
        }
        write(new Pending(person, saved, applied, outcome, null, before, true, true));
        return ProvisionResult.saved(saved.id(), person.email(), state.wireName(), outcome, applied, fieldsApplied, warnings);
    }

    /** The writes of one saved person: mirror record, desired state (unless suppressed), audit entry. */
    private record Pending(PersonSpec person, Subscriber saved, List<String> tagged, String outcome, String detail,
            Optional<MirrorRecord> before, boolean desired, boolean audit) {
    }

    /** A batch keeps its people's writes for {@link #flush}: mirror reads and unconditional writes go in batches. */
    void batchWrites() {
        batched = true;
    }

    int pendingWrites() {
        return pending.size();
    }

    private void write(Pending p) {
        pending.add(p);
        if (!batched) {
            flush();
        }
    }

    /**
     * Writes what {@link #finish} kept: the mirror records not read yet in one BatchGetItem (by subscriber id), each
     * record merged with its own conditional write (a webhook may write the same item), and desired states and
     * audit entries in BatchWriteItem calls. One person alone: the same, item by item.
     */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> writes = new ArrayList<>(pending);
        pending.clear();
        java.util.Set<Long> unread = new java.util.LinkedHashSet<>();
        writes.stream().filter(p -> p.before() == null).forEach(p -> unread.add(p.saved().id()));
        Map<Long, MirrorRecord> read = unread.isEmpty() ? Map.of() : mirror.getAll(account, unread);
        List<MirrorStore.DesiredState> desired = new ArrayList<>();
        List<AuditEntry> audits = new ArrayList<>();
        for (Pending p : writes) {
            Optional<MirrorRecord> before = p.before() != null ? p.before() : Optional.ofNullable(read.get(p.saved().id()));
            writeMirror(p.person(), p.saved(), before, p.tagged());
            if (p.desired()) {
                desired.add(new MirrorStore.DesiredState(p.person().email(), p.person().fields(), p.person().tags()));
            }
            if (p.audit()) {
                audits.add(ProvisionRecords.auditEntry(p.person(), p.saved().id(), p.outcome(), before, p.detail()));
            }
        }
        if (batched) {
            mirror.putDesiredAndAudits(account, desired, audits);
        } else {
            desired.forEach(d -> mirror.putDesired(account, d.email(), d.fields(), d.tags()));
            audits.forEach(a -> mirror.audit(account, a));
        }
    }

    /** The mirror's records of these subscribers (one BatchGetItem per 100). */
    Map<Long, MirrorRecord> knownById(java.util.Collection<Long> subscriberIds) {
        return subscriberIds.isEmpty() ? Map.of() : mirror.getAll(account, subscriberIds);
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
}
