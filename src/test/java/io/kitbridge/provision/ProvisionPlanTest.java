package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.common.KitbridgeException;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Provision planning and what it records, without a Quarkus boot. */
class ProvisionPlanTest {

    @Test
    void should_refuse_naming_every_unknown_field_when_the_person_may_not_create_fields() {
        // GIVEN
        PersonSpec person = person("people[2].", Map.of("plan", "pro", "seats", "3"), List.of(), false, false);
        // WHEN
        KitbridgeException refused = assertThrows(KitbridgeException.class,
                () -> ProvisionPlan.fieldsToCreate(person, List.of("plan", "seats")));
        // THEN
        assertEquals("UnknownCustomFields", refused.errorType());
        assertTrue(refused.getMessage().startsWith("people[2].fields: [plan, seats]"), refused.getMessage());
    }

    @Test
    void should_refuse_naming_unknown_tags_when_the_person_may_not_create_tags() {
        // GIVEN
        PersonSpec person = person("", Map.of(), List.of("vip", "beta"), false, false);
        // WHEN
        KitbridgeException refused = assertThrows(KitbridgeException.class,
                () -> ProvisionPlan.tagsToCreate(person, List.of("beta")));
        // THEN
        assertEquals("UnknownTags", refused.errorType());
        assertTrue(refused.getMessage().startsWith("tags: [beta]"), refused.getMessage());
    }

    @Test
    void should_plan_creations_before_the_upsert_and_tagging_when_creation_is_allowed() {
        // GIVEN
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("seats", "3");
        fields.put("plan", "pro");
        PersonSpec person = person("", fields, List.of("vip", "beta"), true, true);
        // WHEN
        List<String> newFields = ProvisionPlan.fieldsToCreate(person, List.of("seats"));
        List<String> newTags = ProvisionPlan.tagsToCreate(person, List.of("beta"));
        List<String> steps = ProvisionPlan.steps(person, newFields, newTags);
        // THEN
        assertEquals(List.of("create custom field seats", "create tag beta",
                "upsert subscriber ada@example.com with fields [plan, seats]", "tag with [vip, beta]"), steps);
    }

    @Test
    void should_plan_only_the_upsert_when_the_person_has_no_fields_or_tags() {
        PersonSpec person = person("", Map.of(), List.of(), false, false);
        assertEquals(List.of("upsert subscriber ada@example.com"),
                ProvisionPlan.steps(person, ProvisionPlan.fieldsToCreate(person, List.of()),
                        ProvisionPlan.tagsToCreate(person, List.of())));
    }

    @Test
    void should_warn_and_leave_out_a_field_when_kit_did_not_keep_it() {
        // GIVEN Kit answered without "seats" (deleted in Kit between our check and the upsert)
        PersonSpec person = person("", Map.of("plan", "pro", "seats", "3"), List.of(), false, false);
        Subscriber saved = new Subscriber(7, "Ada", "ada@example.com", "active", null, Map.of("plan", "pro"), null);
        List<String> warnings = new ArrayList<>();
        // WHEN
        Map<String, String> applied = ProvisionRecords.appliedFields(person, saved, warnings);
        // THEN
        assertEquals(Map.of("plan", "pro"), applied);
        assertEquals(List.of("Kit did not keep custom field 'seats'"), warnings);
    }

    @Test
    void should_keep_prior_tags_and_fields_when_recording_a_known_person_in_the_mirror() {
        // GIVEN
        MirrorRecord prior = new MirrorRecord("acme", 7, "ada@example.com", "Ada", "active", Map.of("city", "Paris"),
                List.of("old"), List.of(1L), 10, MirrorRecord.SOURCE_SYNC, "hash", "run-1", 10);
        PersonSpec person = person("", Map.of("plan", "pro"), List.of("VIP"), false, false);
        Subscriber saved = new Subscriber(7, null, "ada@example.com", "active", null, Map.of("plan", "pro"), null);
        Map<String, Long> tagIds = Map.of("old", 1L, "VIP", 2L);
        // WHEN
        MirrorRecord next = ProvisionRecords.mirrorRecord("acme", person, saved, prior, List.of("VIP"), tagIds::get, 99);
        // THEN
        assertEquals(List.of("old", "VIP"), next.tags());
        assertEquals(List.of(1L, 2L), next.tagIds());
        assertEquals(Map.of("city", "Paris", "plan", "pro"), next.fields());
        assertEquals("Ada", next.firstName(), "a name Kit did not echo is kept from the mirror");
        assertEquals(MirrorRecord.SOURCE_PROVISION, next.source());
        assertEquals("run-1", next.lastSeenSync());
        assertEquals(99, next.updatedAt());
        assertEquals(99, next.eventAt());
    }

    @Test
    void should_record_what_the_mirror_knew_and_what_was_asked_when_auditing() {
        // GIVEN
        MirrorRecord prior = new MirrorRecord("acme", 7, "ada@example.com", "Ada", "active", Map.of("plan", "free"),
                List.of("old"), List.of(1L), 10, MirrorRecord.SOURCE_SYNC, null, null, 10);
        PersonSpec person = person("", Map.of("plan", "pro"), List.of("vip"), false, false);
        // WHEN
        AuditEntry entry = ProvisionRecords.auditEntry(person, 7, ProvisionResult.UPDATED, Optional.of(prior), null);
        // THEN
        assertEquals(Map.of("plan", "free", "state", "active", "tags", "old"), entry.before());
        assertEquals(Map.of("plan", "pro", "tags", "vip"), entry.after());
        assertEquals("provision", entry.action());
        assertEquals(ProvisionResult.UPDATED, entry.outcome());
    }

    @Test
    void should_create_in_bulk_only_people_without_fields_when_the_credential_allows_bulk() {
        PersonSpec plain = person("", Map.of(), List.of("vip"), false, false);
        PersonSpec withFields = person("", Map.of("plan", "pro"), List.of(), false, false);
        assertTrue(BatchProvision.viaBulkCreate(plain, true));
        assertTrue(!BatchProvision.viaBulkCreate(withFields, true), "Kit's bulk create takes no custom fields");
        assertTrue(!BatchProvision.viaBulkCreate(plain, false), "an API key may not use bulk endpoints");
    }

    @Test
    void should_split_into_calls_of_at_most_100_when_chunking_bulk_work() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            items.add(i);
        }
        List<List<Integer>> chunks = BatchProvision.chunks(items, io.kitbridge.kit.KitLimits.BULK_SYNC_ITEMS);
        assertEquals(List.of(100, 100, 50), chunks.stream().map(List::size).toList());
        assertEquals(200, chunks.get(2).get(0));
        assertEquals(List.of(), BatchProvision.chunks(List.of(), 100));
    }

    private static PersonSpec person(String path, Map<String, String> fields, List<String> tags, boolean createFields,
            boolean createTags) {
        return new PersonSpec(path, "ada@example.com", "Ada", fields, tags, createFields, createTags, false);
    }
}
