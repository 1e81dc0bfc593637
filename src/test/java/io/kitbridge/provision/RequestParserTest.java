package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.common.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provision input parsing, without a Quarkus boot. */
class RequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RequestParser parser = new RequestParser(config(3));

    @Test
    void should_read_one_person_when_the_input_has_no_people() {
        // GIVEN
        JsonNode input = json("""
                {"account": "acme", "email": "  Ada@Example.COM ", "firstName": "  ", "fields": {"plan": "pro"},
                 "tags": ["vip", " vip ", "beta"], "dryRun": true}""");
        // WHEN
        ProvisionRequest request = parser.parse(input);
        // THEN
        assertFalse(request.isBatch());
        assertEquals("acme", request.account());
        PersonSpec person = request.person();
        assertEquals("ada@example.com", person.email());
        assertNull(person.firstName(), "a blank first name is no name");
        assertEquals(Map.of("plan", "pro"), person.fields());
        assertEquals(List.of("vip", "beta"), person.tags(), "tags are trimmed and de-duplicated, in input order");
        assertTrue(person.dryRun());
        assertFalse(person.createMissingFields());
        assertEquals("", person.path());
    }

    @Test
    void should_apply_batch_defaults_unless_a_person_overrides_them_when_parsing_a_batch() {
        // GIVEN
        JsonNode input = json("""
                {"account": "acme", "createMissingTags": true, "dryRun": true,
                 "people": [{"email": "a@example.com"}, {"email": "b@example.com", "dryRun": false, "createMissingFields": true}]}""");
        // WHEN
        ProvisionRequest request = parser.parse(input);
        // THEN
        assertTrue(request.isBatch());
        PersonSpec first = request.people().get(0).person();
        PersonSpec second = request.people().get(1).person();
        assertEquals("people[0].", first.path());
        assertTrue(first.dryRun() && first.createMissingTags() && !first.createMissingFields());
        assertTrue(!second.dryRun() && second.createMissingTags() && second.createMissingFields());
    }

    @Test
    void should_refuse_only_that_person_naming_the_field_when_one_person_of_a_batch_is_invalid() {
        // GIVEN
        JsonNode input = json("""
                {"people": [{"email": "a@example.com"}, {"email": "b@example.com", "fields": {"plan": {"x": 1}}},
                            {"email": "not-an-address"}]}""");
        // WHEN
        List<ProvisionRequest.Entry> people = parser.parse(input).people();
        // THEN
        assertEquals(3, people.size(), "every person keeps a place, in input order");
        assertEquals("a@example.com", people.get(0).person().email());
        ProvisionResult badField = people.get(1).refused();
        assertEquals(ProvisionResult.FAILED, badField.outcome());
        assertEquals("InvalidInput", badField.errorType());
        assertTrue(badField.error().startsWith("people[1].fields.plan:"), badField.error());
        assertEquals("b@example.com", badField.email());
        assertTrue(people.get(2).refused().error().startsWith("people[2].email:"), people.get(2).refused().error());
    }

    @Test
    void should_refuse_the_whole_call_when_the_batch_is_larger_than_max_batch() {
        // GIVEN max-batch 3
        JsonNode input = json("""
                {"people": [{"email": "a@example.com"}, {"email": "b@example.com"}, {"email": "c@example.com"},
                            {"email": "d@example.com"}]}""");
        // WHEN
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> parser.parse(input));
        // THEN
        assertEquals("people", refused.field());
        assertTrue(refused.getMessage().contains("at most 3"), refused.getMessage());
    }

    @Test
    void should_refuse_the_call_when_people_is_empty_or_not_an_array() {
        assertEquals("people: must not be empty",
                assertThrows(InvalidInputException.class, () -> parser.parse(json("{\"people\": []}"))).getMessage());
        assertEquals("people: must be an array of people",
                assertThrows(InvalidInputException.class, () -> parser.parse(json("{\"people\": {}}"))).getMessage());
    }

    @Test
    void should_refuse_a_first_name_longer_than_kit_keeps_when_parsing_one_person() {
        // GIVEN
        JsonNode input = json("{\"email\": \"a@example.com\", \"firstName\": \"" + "x".repeat(256) + "\"}");
        // WHEN
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> parser.parse(input));
        // THEN
        assertEquals("firstName", refused.field());
    }

    static ProvisionConfig config(int maxBatch) {
        return new ProvisionConfig() {
            @Override
            public int maxBatch() {
                return maxBatch;
            }

            @Override
            public int maxTagsPerPerson() {
                return 100;
            }

            @Override
            public int maxFieldsPerPerson() {
                return 100;
            }

            @Override
            public boolean useBulk() {
                return true;
            }

            @Override
            public int maxExecutionBatch() {
                return maxBatch * 10;
            }

            @Override
            public java.time.Duration maxInvocationTime() {
                return java.time.Duration.ofSeconds(240);
            }

            @Override
            public java.time.Duration deadlineMargin() {
                return java.time.Duration.ofSeconds(15);
            }

            @Override
            public java.time.Duration resultTtl() {
                return java.time.Duration.ofDays(7);
            }

            @Override
            public int inlineResultsMax() {
                return 400;
            }

            @Override
            public int stageChunkBytes() {
                return 350_000;
            }

            @Override
            public int resultsPageMax() {
                return 1000;
            }
        };
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
