package io.kitbridge.scim;

import static io.kitbridge.scim.ScimCalls.call;
import static io.kitbridge.scim.ScimCalls.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.scim.ScimCalls.Answer;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SCIM Users through the scim function (API Gateway v2 events, Lambda mock event server), Kit simulator, dynalite. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "scim"),
        @ResourceArg(name = "limit", value = "6000"),
        @ResourceArg(name = "kitbridge.scim.attribute-map", value = "name.familyName=last_name,title=job_title,"
                + "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department=department,nickName=nickname")})
class ScimUsersTest {
    static final String ACCOUNT = "default";
    static String token;

    World world;

    @BeforeEach
    void tokenAndFields() {
        if (token == null) {
            token = ScimCalls.mint(ACCOUNT);
        }
        for (String key : List.of("last_name", "job_title", "department")) {
            if (!world.kit().admin().customFieldKeys().contains(key)) {
                world.kit().admin().createCustomField(key);
            }
        }
    }

    static String unique(String prefix) {
        return prefix + System.nanoTime() + "@example.com";
    }

    static Map<String, Object> oktaUser(String email, String given, String family) {
        return Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User"), "userName", email,
                "name", Map.of("givenName", given, "familyName", family),
                "emails", List.of(Map.of("primary", true, "value", email, "type", "work")),
                "displayName", given + " " + family, "locale", "en-US", "externalId", "00u" + System.nanoTime(),
                "groups", List.of(), "password", "ignored-Secret1", "active", true);
    }

    Answer search(String filter) {
        return call("GET", ACCOUNT, "/Users?filter=" + enc(filter) + "&startIndex=1&count=100", token, null);
    }

    static long created(Answer a) {
        assertEquals(201, a.status(), a.toString());
        return Long.parseLong(a.json().path("id").asText());
    }

    @Test
    void should_create_a_subscriber_after_an_okta_existence_check_and_serve_it_from_the_mirror() {
        // GIVEN Okta's pre-create search finds nobody
        String email = unique("jane.okta");
        Answer before = search("userName eq \"" + email + "\"");
        assertEquals(200, before.status(), before.toString());
        assertEquals(0, before.json().path("totalResults").asInt());
        assertEquals("application/scim+json", before.header("content-type"));
        // WHEN Okta creates the user
        Map<String, Object> user = oktaUser(email, "Jane", "Doe");
        Answer create = call("POST", ACCOUNT, "/Users", token, user);
        long id = created(create);
        // THEN Kit has the subscriber with first name and the mapped custom field; SCIM shows it with meta
        SimSubscriber inKit = world.kit().admin().subscriberByEmail(email).orElseThrow();
        assertEquals(id, inKit.id());
        assertEquals("Jane", inKit.firstName());
        assertEquals("Doe", inKit.fields().get("last_name"));
        JsonNode body = create.json();
        assertEquals(email, body.path("userName").asText());
        assertEquals("Jane", body.path("name").path("givenName").asText());
        assertEquals("Doe", body.path("name").path("familyName").asText());
        assertTrue(body.path("active").asBoolean());
        assertEquals(user.get("externalId"), body.path("externalId").asText());
        assertEquals("User", body.path("meta").path("resourceType").asText());
        assertTrue(create.header("location").endsWith("/scim/v2/default/Users/" + id), create.header("location"));
        assertEquals(create.header("location"), body.path("meta").path("location").asText());
        assertFalse(body.path("meta").path("created").asText().isEmpty());
        // AND reads come from the mirror without a Kit request
        long kitRequests = world.kit().log().size();
        Answer get = call("GET", ACCOUNT, "/Users/" + id, token, null);
        assertEquals(200, get.status(), get.toString());
        assertEquals(email, get.json().path("emails").get(0).path("value").asText());
        assertTrue(get.json().path("emails").get(0).path("primary").asBoolean());
        assertEquals(1, search("userName eq \"" + email.toUpperCase() + "\"").json().path("totalResults").asInt(),
                "userName matches case-insensitively");
        assertEquals(1, search("externalId eq \"" + user.get("externalId") + "\"").json().path("totalResults").asInt());
        assertEquals(1, search("emails[type eq \"work\"].value eq \"" + email + "\"").json().path("totalResults").asInt());
        assertEquals(1, search("id eq \"" + id + "\" and userName eq \"" + email + "\"").json().path("totalResults").asInt());
        assertEquals(1, search("(userName eq \"nobody@example.com\" or id eq \"" + id + "\")").json().path("totalResults").asInt());
        assertEquals(0, search("id eq \"" + id + "\" and userName eq \"other@example.com\"").json().path("totalResults").asInt());
        assertEquals(kitRequests, world.kit().log().size(), "GETs spend no Kit budget");
    }

    @Test
    void should_answer_409_uniqueness_when_the_person_is_already_active() {
        // GIVEN an active subscriber created through SCIM
        String email = unique("twice");
        created(call("POST", ACCOUNT, "/Users", token, oktaUser(email, "Tw", "Ice")));
        // WHEN the IdP creates the same person again
        Answer again = call("POST", ACCOUNT, "/Users", token, oktaUser(email, "Tw", "Ice"));
        // THEN 409 uniqueness in the RFC 7644 error schema
        assertEquals(409, again.status(), again.toString());
        assertEquals("uniqueness", again.json().path("scimType").asText());
        assertEquals("409", again.json().path("status").asText());
        assertEquals("urn:ietf:params:scim:api:messages:2.0:Error", again.json().path("schemas").get(0).asText());
    }

    @Test
    void should_refuse_with_mutability_and_write_nothing_when_kit_holds_the_email_unsubscribed() {
        // GIVEN a person Kit has as unsubscribed (the mirror has never seen them)
        String email = unique("gone");
        long kitId = world.kit().admin().createSubscriber(email, "Gone");
        world.kit().admin().unsubscribe(kitId);
        long upserts = world.kit().log().count("POST", "/v4/subscribers");
        // WHEN the IdP creates them
        Answer create = call("POST", ACCOUNT, "/Users", token, oktaUser(email, "Back", "Again"));
        // THEN 400 mutability says why, and nothing was written to Kit
        assertEquals(400, create.status(), create.toString());
        assertEquals("mutability", create.json().path("scimType").asText());
        assertTrue(create.json().path("detail").asText().contains("cannot re-activate"), create.toString());
        assertEquals(upserts, world.kit().log().count("POST", "/v4/subscribers"));
        assertEquals("Gone", world.kit().admin().subscriber(kitId).orElseThrow().firstName());
    }

    @Test
    void should_deprovision_when_okta_deactivates_and_refuse_reactivation() {
        // GIVEN a tagged active user
        String email = unique("leaver");
        long id = created(call("POST", ACCOUNT, "/Users", token, oktaUser(email, "Lea", "Ver")));
        long tagId = world.kit().admin().createTag("okta-leaver-" + System.nanoTime());
        world.kit().admin().tag(id, tagId);
        // WHEN Okta deactivates with its exact PATCH shape
        Answer off = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("schemas",
                List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(Map.of("op", "replace", "value", Map.of("active", false)))));
        // THEN Kit's deprovision ran: tags removed, unsubscribed; SCIM shows active false
        assertEquals(200, off.status(), off.toString());
        assertFalse(off.json().path("active").asBoolean());
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertTrue(List.of("cancelled", "inactive").contains(inKit.state()), inKit.state());
        assertTrue(inKit.tagIds().isEmpty());
        assertEquals(200, call("GET", ACCOUNT, "/Users/" + id, token, null).status(), "a deactivated user stays visible");
        // AND re-activation is refused honestly, with nothing written
        long writes = world.kit().log().mutating().size();
        Answer on = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("schemas",
                List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(Map.of("op", "replace", "value", Map.of("active", true)))));
        assertEquals(400, on.status(), on.toString());
        assertEquals("mutability", on.json().path("scimType").asText());
        assertEquals(writes, world.kit().log().mutating().size());
    }

    @Test
    void should_apply_entra_patch_shapes_and_delete() {
        // GIVEN a user Entra created with its externalId (a GUID) and the enterprise department
        String email = unique("entra");
        String externalId = java.util.UUID.randomUUID().toString();
        Map<String, Object> user = Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"), "externalId", externalId, "userName", email,
                "active", "True", "displayName", "En Tra", "emails", List.of(Map.of("primary", true, "type", "work", "value", email)),
                "name", Map.of("givenName", "En", "familyName", "Tra"),
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", Map.of("department", "Sales"));
        Answer before = search("externalId eq \"" + externalId + "\"");
        assertEquals(0, before.json().path("totalResults").asInt(), before.toString());
        long id = created(call("POST", ACCOUNT, "/Users", token, user));
        assertEquals("Sales", world.kit().admin().subscriber(id).orElseThrow().fields().get("department"));
        Answer found = search("externalId eq \"" + externalId + "\"");
        assertEquals(1, found.json().path("totalResults").asInt(), found.toString());
        assertEquals("Sales", found.json().path("Resources").get(0)
                .path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").path("department").asText());
        // WHEN Entra patches with capitalised ops, value paths and its own extension path
        Answer patched = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("schemas",
                List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations", List.of(
                        Map.of("op", "Replace", "path", "name.givenName", "value", "Enya"),
                        Map.of("op", "Add", "path", "emails[type eq \"work\"].value", "value", email),
                        Map.of("op", "Replace", "path", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                                "value", "Marketing"),
                        Map.of("op", "Add", "path", "title", "value", "Engineer"),
                        Map.of("op", "Remove", "path", "name.familyName"))));
        // THEN Kit has the changes
        assertEquals(200, patched.status(), patched.toString());
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertEquals("Enya", inKit.firstName());
        assertEquals("Marketing", inKit.fields().get("department"));
        assertEquals("Engineer", inKit.fields().get("job_title"));
        assertTrue(inKit.fields().get("last_name") == null || inKit.fields().get("last_name").isEmpty(), inKit.fields().toString());
        assertEquals("Engineer", patched.json().path("title").asText());
        // WHEN Entra moves the person to a new address (userName and work email together)
        String moved = unique("moved");
        Answer move = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("Operations", List.of(
                Map.of("op", "Replace", "path", "userName", "value", moved),
                Map.of("op", "Replace", "path", "emails[type eq \"work\"].value", "value", moved))));
        // THEN the same Kit subscriber has the new address, and SCIM finds it by the new userName only
        assertEquals(200, move.status(), move.toString());
        assertEquals(moved, world.kit().admin().subscriber(id).orElseThrow().email());
        assertEquals(moved, move.json().path("userName").asText());
        assertEquals(1, search("userName eq \"" + moved + "\"").json().path("totalResults").asInt());
        assertEquals(0, search("userName eq \"" + email + "\"").json().path("totalResults").asInt());
        // AND a work email that disagrees with userName, or an address another user has, is refused
        Answer mismatch = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("Operations", List.of(
                Map.of("op", "Replace", "path", "emails[type eq \"work\"].value", "value", unique("other")))));
        assertEquals(400, mismatch.status(), mismatch.toString());
        assertEquals("mutability", mismatch.json().path("scimType").asText());
        String taken = unique("taken");
        created(call("POST", ACCOUNT, "/Users", token, oktaUser(taken, "Tak", "En")));
        Answer clash = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("Operations", List.of(
                Map.of("op", "replace", "value", Map.of("userName", taken)))));
        assertEquals(409, clash.status(), clash.toString());
        assertEquals("uniqueness", clash.json().path("scimType").asText());
        assertEquals(moved, world.kit().admin().subscriber(id).orElseThrow().email());
        // WHEN Entra disables with a string boolean, then deletes
        Answer disabled = call("PATCH", ACCOUNT, "/Users/" + id, token, Map.of("schemas",
                List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(Map.of("op", "Replace", "path", "active", "value", "False"))));
        assertEquals(200, disabled.status(), disabled.toString());
        assertFalse(disabled.json().path("active").asBoolean());
        Answer deleted = call("DELETE", ACCOUNT, "/Users/" + id, token, null);
        // THEN 204, and the user is gone for SCIM
        assertEquals(204, deleted.status(), deleted.toString());
        Answer gone = call("GET", ACCOUNT, "/Users/" + id, token, null);
        assertEquals(404, gone.status(), gone.toString());
        assertEquals("404", gone.json().path("status").asText());
        assertEquals(0, search("externalId eq \"" + externalId + "\"").json().path("totalResults").asInt());
        assertEquals(404, call("DELETE", ACCOUNT, "/Users/" + id, token, null).status());
    }

    @Test
    void should_delete_an_active_user_by_deprovisioning() {
        // GIVEN an active, tagged user
        String email = unique("deleted");
        long id = created(call("POST", ACCOUNT, "/Users", token, oktaUser(email, "Del", "Eted")));
        long tagId = world.kit().admin().createTag("del-" + System.nanoTime());
        world.kit().admin().tag(id, tagId);
        // WHEN the IdP deletes the user
        Answer deleted = call("DELETE", ACCOUNT, "/Users/" + id, token, null);
        // THEN deprovision ran (tags removed, unsubscribed) and the user is 404 for SCIM
        assertEquals(204, deleted.status(), deleted.toString());
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertTrue(List.of("cancelled", "inactive").contains(inKit.state()), inKit.state());
        assertTrue(inKit.tagIds().isEmpty());
        assertEquals(404, call("GET", ACCOUNT, "/Users/" + id, token, null).status());
        assertEquals(0, search("userName eq \"" + email + "\"").json().path("totalResults").asInt());
    }

    @Test
    void should_replace_attributes_on_put() {
        // GIVEN a user with a family name and title
        String email = unique("put");
        Map<String, Object> user = new java.util.HashMap<>(oktaUser(email, "Pat", "Old"));
        user.put("title", "Intern");
        long id = created(call("POST", ACCOUNT, "/Users", token, user));
        assertEquals("Intern", world.kit().admin().subscriber(id).orElseThrow().fields().get("job_title"));
        // WHEN the IdP replaces the user without a title and with a new family name
        Map<String, Object> replacement = new java.util.HashMap<>(oktaUser(email, "Patricia", "New"));
        replacement.put("externalId", "ext-put-" + id);
        Answer put = call("PUT", ACCOUNT, "/Users/" + id, token, replacement);
        // THEN Kit holds exactly the new values
        assertEquals(200, put.status(), put.toString());
        SimSubscriber inKit = world.kit().admin().subscriber(id).orElseThrow();
        assertEquals("Patricia", inKit.firstName());
        assertEquals("New", inKit.fields().get("last_name"));
        assertTrue(inKit.fields().get("job_title") == null || inKit.fields().get("job_title").isEmpty(), inKit.fields().toString());
        assertEquals("ext-put-" + id, put.json().path("externalId").asText());
        assertTrue(put.json().path("title").isMissingNode());
    }

    @Test
    void should_refuse_an_unknown_kit_field_naming_it_and_write_nothing() {
        // GIVEN nickName is mapped to a Kit field the account does not have
        String email = unique("nick");
        Map<String, Object> user = new java.util.HashMap<>(oktaUser(email, "Nick", "Name"));
        user.put("nickName", "Nicky");
        long writes = world.kit().log().mutating().size();
        // WHEN the IdP creates the user
        Answer create = call("POST", ACCOUNT, "/Users", token, user);
        // THEN 400 invalidValue names the attribute and the field, and Kit saw no write
        assertEquals(400, create.status(), create.toString());
        assertEquals("invalidValue", create.json().path("scimType").asText());
        assertTrue(create.json().path("detail").asText().contains("nickName → nickname"), create.toString());
        assertEquals(writes, world.kit().log().mutating().size());
        assertTrue(world.kit().admin().subscriberByEmail(email).isEmpty());
    }

    @Test
    void should_page_an_unfiltered_listing() {
        // GIVEN three users
        for (int i = 0; i < 3; i++) {
            created(call("POST", ACCOUNT, "/Users", token, oktaUser(unique("page" + i), "P", "Age")));
        }
        // WHEN the IdP lists with startIndex/count
        Answer first = call("GET", ACCOUNT, "/Users?startIndex=1&count=2", token, null);
        Answer second = call("GET", ACCOUNT, "/Users?startIndex=3&count=2", token, null);
        // THEN pages follow RFC 7644 §3.4.2.4
        assertEquals(200, first.status(), first.toString());
        long total = first.json().path("totalResults").asLong();
        assertTrue(total >= 3);
        assertEquals(2, first.json().path("itemsPerPage").asInt());
        assertEquals(2, first.json().path("Resources").size());
        assertEquals(3, second.json().path("startIndex").asInt());
        assertNotNull(second.json().path("Resources").get(0));
        assertFalse(first.json().path("Resources").get(0).path("id").asText()
                .equals(second.json().path("Resources").get(0).path("id").asText()));
        assertEquals("urn:ietf:params:scim:api:messages:2.0:ListResponse", first.json().path("schemas").get(0).asText());
        assertNull(first.header("retry-after"));
    }
}
