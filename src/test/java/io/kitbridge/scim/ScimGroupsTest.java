package io.kitbridge.scim;

import static io.kitbridge.scim.ScimCalls.call;
import static io.kitbridge.scim.ScimCalls.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitbridge.scim.ScimCalls.Answer;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** SCIM Groups ↔ Kit tags through the scim function: Okta Group Push and Entra shapes, API key and OAuth (bulk). */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = {
        @ResourceArg(name = "function", value = "scim"),
        @ResourceArg(name = "limit", value = "6000")})
class ScimGroupsTest {
    private static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    World world;

    @Inject
    ConnectionStore connections;

    @Inject
    MirrorStore mirror;

    private String apiKeyAccount() {
        String account = "grp" + System.nanoTime();
        connections.putApiKey(account, KitWorld.API_KEY);
        return account;
    }

    private String oauthAccount() {
        String account = "oauth" + System.nanoTime();
        OAuthTokens t = world.kit().admin().grantTokensDirectly("public");
        connections.putOauth(account, t.accessToken(), t.refreshToken(), System.currentTimeMillis() / 1000 + 7200,
                List.of("public"));
        return account;
    }

    private static String user(String account, String token, String prefix) {
        Answer a = call("POST", account, "/Users", token, Map.of("userName", prefix + System.nanoTime() + "@example.com",
                "name", Map.of("givenName", prefix), "active", true));
        assertEquals(201, a.status(), a.toString());
        return a.json().path("id").asText();
    }

    private static Set<String> members(JsonNode group) {
        Set<String> out = new TreeSet<>();
        group.path("members").forEach(m -> out.add(m.path("value").asText()));
        return out;
    }

    private Set<Long> taggedInKit(long tagId, String... ids) {
        Set<Long> out = new TreeSet<>();
        for (String id : ids) {
            if (world.kit().admin().subscriber(Long.parseLong(id)).orElseThrow().tagIds().contains(tagId)) {
                out.add(Long.parseLong(id));
            }
        }
        return out;
    }

    @Test
    void should_keep_each_tag_id_beside_its_name_and_every_tag_time_when_groups_gain_a_member() {
        // guards: membership writes rebuilt the mirror record by hand: the new id went to the end of tagIds while its
        // name was sorted in (tagIds[i] then named another tag), and every tag's observation time was dropped, so an
        // older webhook could undo the change
        // GIVEN a user, and two groups whose names sort the other way round from their creation
        String account = apiKeyAccount();
        String token = ScimCalls.mint(account);
        long id = Long.parseLong(user(account, token, "align"));
        long later = group(account, token, "zz-" + System.nanoTime());
        long earlier = group(account, token, "aa-" + System.nanoTime());
        // WHEN the user joins the "zz" group, then the "aa" group
        for (long tagId : List.of(later, earlier)) {
            Answer added = call("PATCH", account, "/Groups/" + tagId, token, Map.of("schemas", List.of(PATCH_OP),
                    "Operations", List.of(Map.of("op", "add", "path", "members", "value", List.of(Map.of("value",
                            Long.toString(id)))))));
            assertEquals(200, added.status(), added.toString());
        }
        // THEN the mirror names each id by Kit's name for it, in name order
        MirrorRecord r = mirror.get(account, id).orElseThrow();
        Map<String, Long> kitIds = world.kit().admin().tagIdsByName();
        assertEquals(2, r.tags().size(), r.toString());
        for (int i = 0; i < r.tags().size(); i++) {
            assertEquals(kitIds.get(r.tags().get(i)), r.tagIds().get(i), "tagIds[" + i + "] names tags[" + i + "]: " + r);
        }
        assertTrue(r.tags().get(0).startsWith("aa-"), r.toString());
        // AND an older observation of a removal (Kit's webhook for an earlier change, delivered late) cannot undo it
        for (long tagId : List.of(later, earlier)) {
            long observed = r.tagAt().getOrDefault(tagId, r.tagsAt());
            MirrorMerge.Result late = MirrorMerge.merge(r, new MirrorObservation(account, id, null, Map.of(tagId,
                    new MirrorObservation.TagSeen(observed - 1, false, null)), 0, MirrorRecord.SOURCE_WEBHOOK, null, true),
                    observed);
            assertFalse(late.tagsApplied().contains(tagId), "tag " + tagId + " rolled back by an older event: " + r);
        }
    }

    private static long group(String account, String token, String name) {
        Answer created = call("POST", account, "/Groups", token, Map.of("schemas",
                List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", name, "members", List.of()));
        assertEquals(201, created.status(), created.toString());
        return Long.parseLong(created.json().path("id").asText());
    }

    @Test
    void should_push_a_group_and_its_members_the_way_okta_does() {
        // GIVEN two users and no group of that name
        String account = apiKeyAccount();
        String token = ScimCalls.mint(account);
        String a = user(account, token, "okta-a");
        String b = user(account, token, "okta-b");
        String name = "Engineering " + System.nanoTime();
        Answer none = call("GET", account, "/Groups?filter=" + enc("displayName eq \"" + name + "\"")
                + "&excludedAttributes=members&startIndex=1&count=100", token, null);
        assertEquals(0, none.json().path("totalResults").asInt(), none.toString());
        // WHEN Okta pushes the group, then adds both members
        Answer created = call("POST", account, "/Groups", token, Map.of("schemas",
                List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", name, "members", List.of()));
        assertEquals(201, created.status(), created.toString());
        long tagId = Long.parseLong(created.json().path("id").asText());
        assertEquals(tagId, world.kit().admin().tagIdsByName().get(name));
        long singleTags = world.kit().log().count("POST", "/v4/tags/\\d+/subscribers/\\d+");
        Answer added = call("PATCH", account, "/Groups/" + tagId, token, Map.of("schemas", List.of(PATCH_OP), "Operations",
                List.of(Map.of("op", "add", "path", "members", "value", List.of(Map.of("value", a, "display", "a"),
                        Map.of("value", b, "display", "b"))))));
        // THEN Kit tagged both, and SCIM shows them as members
        assertEquals(200, added.status(), added.toString());
        assertEquals(Set.of(Long.parseLong(a), Long.parseLong(b)), taggedInKit(tagId, a, b));
        assertEquals(Set.of(a, b), members(added.json()));
        assertEquals(singleTags + 2, world.kit().log().count("POST", "/v4/tags/\\d+/subscribers/\\d+"),
                "an API key tags one subscriber per request (bulk endpoints are OAuth only)");
        Answer got = call("GET", account, "/Groups/" + tagId, token, null);
        assertEquals(Set.of(a, b), members(got.json()));
        assertEquals(name, got.json().path("displayName").asText());
        Answer lean = call("GET", account, "/Groups?filter=" + enc("displayName eq \"" + name.toUpperCase() + "\"")
                + "&excludedAttributes=members", token, null);
        assertEquals(1, lean.json().path("totalResults").asInt(), lean.toString());
        assertTrue(lean.json().path("Resources").get(0).path("members").isMissingNode(), "excludedAttributes=members honoured");
        // WHEN Okta removes one member with a value filter path
        Answer removed = call("PATCH", account, "/Groups/" + tagId, token, Map.of("schemas", List.of(PATCH_OP), "Operations",
                List.of(Map.of("op", "remove", "path", "members[value eq \"" + a + "\"]"))));
        // THEN only that one is untagged in Kit; both changes are audited
        assertEquals(200, removed.status(), removed.toString());
        assertEquals(Set.of(Long.parseLong(b)), taggedInKit(tagId, a, b));
        assertEquals(Set.of(b), members(removed.json()));
        String emailA = world.kit().admin().subscriber(Long.parseLong(a)).orElseThrow().email();
        List<String> actions = new ArrayList<>();
        mirror.history(account, emailA, 10).forEach(e -> actions.add(e.action()));
        assertTrue(actions.containsAll(List.of("scim.group.add", "scim.group.remove")), actions.toString());
        // AND a rename is refused honestly, the same name is accepted (Okta sends it with every push)
        Answer rename = call("PATCH", account, "/Groups/" + tagId, token, Map.of("schemas", List.of(PATCH_OP), "Operations",
                List.of(Map.of("op", "replace", "value", Map.of("id", Long.toString(tagId), "displayName", "Renamed")))));
        assertEquals(400, rename.status(), rename.toString());
        assertEquals("mutability", rename.json().path("scimType").asText());
        Answer same = call("PATCH", account, "/Groups/" + tagId, token, Map.of("schemas", List.of(PATCH_OP), "Operations",
                List.of(Map.of("op", "replace", "value", Map.of("id", Long.toString(tagId), "displayName", name)))));
        assertEquals(200, same.status(), same.toString());
    }

    @Test
    void should_adopt_an_existing_tag_once_then_answer_409() {
        // GIVEN Kit already has a tag the IdP does not know about
        String account = apiKeyAccount();
        String token = ScimCalls.mint(account);
        String name = "Existing " + System.nanoTime();
        long tagId = world.kit().admin().createTag(name);
        long tagsBefore = world.kit().admin().tagIdsByName().size();
        // WHEN the IdP creates a group of that name, twice
        Answer adopted = call("POST", account, "/Groups", token, Map.of("displayName", name, "externalId", "grp-ext-1"));
        Answer again = call("POST", account, "/Groups", token, Map.of("displayName", name));
        // THEN the tag is adopted (no new tag), then the duplicate is a 409 uniqueness
        assertEquals(201, adopted.status(), adopted.toString());
        assertEquals(Long.toString(tagId), adopted.json().path("id").asText());
        assertEquals(tagsBefore, world.kit().admin().tagIdsByName().size());
        assertEquals(409, again.status(), again.toString());
        assertEquals("uniqueness", again.json().path("scimType").asText());
        Answer byExternal = call("GET", account, "/Groups?filter=" + enc("externalId eq \"grp-ext-1\""), token, null);
        assertEquals(1, byExternal.json().path("totalResults").asInt(), byExternal.toString());
    }

    @Test
    void should_apply_entra_member_patches_and_delete_the_group() {
        // GIVEN a group with two members, created with members in the POST
        String account = apiKeyAccount();
        String token = ScimCalls.mint(account);
        String a = user(account, token, "entra-a");
        String b = user(account, token, "entra-b");
        String c = user(account, token, "entra-c");
        Answer created = call("POST", account, "/Groups", token, Map.of("displayName", "Entra " + System.nanoTime(),
                "members", List.of(Map.of("value", a), Map.of("value", b))));
        assertEquals(201, created.status(), created.toString());
        long tagId = Long.parseLong(created.json().path("id").asText());
        assertEquals(Set.of(a, b), members(created.json()));
        // WHEN Entra adds and removes with capitalised ops and member arrays
        Answer patched = call("PATCH", account, "/Groups/" + tagId, token, Map.of("schemas", List.of(PATCH_OP), "Operations",
                List.of(Map.of("op", "Add", "path", "members", "value", List.of(Map.of("value", c))),
                        Map.of("op", "Remove", "path", "members", "value", List.of(Map.of("value", a))))));
        assertEquals(200, patched.status(), patched.toString());
        assertEquals(Set.of(Long.parseLong(b), Long.parseLong(c)), taggedInKit(tagId, a, b, c));
        // AND a user that is deleted leaves the group
        assertEquals(204, call("DELETE", account, "/Users/" + b, token, null).status());
        assertEquals(Set.of(c), members(call("GET", account, "/Groups/" + tagId, token, null).json()));
        // WHEN the group is deleted
        Answer deleted = call("DELETE", account, "/Groups/" + tagId, token, null);
        // THEN every membership is removed in Kit, the group is gone for SCIM, and Kit keeps the (empty) tag
        assertEquals(204, deleted.status(), deleted.toString());
        assertEquals(Set.of(), taggedInKit(tagId, a, b, c));
        assertEquals(404, call("GET", account, "/Groups/" + tagId, token, null).status());
        assertTrue(world.kit().admin().tagIdsByName().containsValue(tagId));
    }

    @Test
    void should_refuse_an_unknown_member_and_change_nothing() {
        String account = apiKeyAccount();
        String token = ScimCalls.mint(account);
        String a = user(account, token, "known");
        Answer created = call("POST", account, "/Groups", token, Map.of("displayName", "Strict " + System.nanoTime()));
        long tagId = Long.parseLong(created.json().path("id").asText());
        long writes = world.kit().log().mutating().size();
        Answer bad = call("PATCH", account, "/Groups/" + tagId, token, Map.of("Operations", List.of(Map.of("op", "add",
                "path", "members", "value", List.of(Map.of("value", a), Map.of("value", "987654321"))))));
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("invalidValue", bad.json().path("scimType").asText());
        assertEquals(writes, world.kit().log().mutating().size());
        assertFalse(world.kit().admin().subscriber(Long.parseLong(a)).orElseThrow().tagIds().contains(tagId));
    }

    @Test
    void should_use_kits_bulk_endpoints_when_the_account_is_connected_by_oauth() {
        // GIVEN an OAuth account with three users and a group
        String account = oauthAccount();
        String token = ScimCalls.mint(account);
        String a = user(account, token, "bulk-a");
        String b = user(account, token, "bulk-b");
        String c = user(account, token, "bulk-c");
        long tagId = Long.parseLong(call("POST", account, "/Groups", token, Map.of("displayName", "Bulk " + System.nanoTime()))
                .json().path("id").asText());
        long singleTags = world.kit().log().count("POST", "/v4/tags/\\d+/subscribers/\\d+");
        long bulkTags = world.kit().log().count("POST", "/v4/bulk/tags/subscribers");
        long bulkUntags = world.kit().log().count("DELETE", "/v4/bulk/tags/subscribers");
        // WHEN members are added and then two removed
        Answer added = call("PATCH", account, "/Groups/" + tagId, token, Map.of("Operations", List.of(Map.of("op", "add",
                "path", "members", "value", List.of(Map.of("value", a), Map.of("value", b), Map.of("value", c))))));
        Answer removed = call("PATCH", account, "/Groups/" + tagId, token, Map.of("Operations", List.of(Map.of("op", "remove",
                "path", "members", "value", List.of(Map.of("value", a), Map.of("value", b))))));
        // THEN one bulk tag and one bulk untag request did it
        assertEquals(200, added.status(), added.toString());
        assertEquals(200, removed.status(), removed.toString());
        assertEquals(bulkTags + 1, world.kit().log().count("POST", "/v4/bulk/tags/subscribers"));
        assertEquals(bulkUntags + 1, world.kit().log().count("DELETE", "/v4/bulk/tags/subscribers"));
        assertEquals(singleTags, world.kit().log().count("POST", "/v4/tags/\\d+/subscribers/\\d+"));
        assertEquals(Set.of(Long.parseLong(c)), taggedInKit(tagId, a, b, c));
        assertEquals(Set.of(c), members(removed.json()));
    }
}
