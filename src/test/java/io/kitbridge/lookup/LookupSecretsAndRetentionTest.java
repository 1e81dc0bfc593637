package io.kitbridge.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.deprovision.DeprovisionRequest;
import io.kitbridge.deprovision.DeprovisionService;
import io.kitbridge.provision.ProvisionService;
import io.kitbridge.sim.OAuthTokens;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.Attr;
import io.kitbridge.store.ConnectionStore;
import io.kitbridge.store.Items;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import io.kitbridge.testing.IamGuardInterceptor;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.Lambda;
import io.kitbridge.testing.World;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** Issue 13 in the lookup function: no token read, audit entries expire, spoofing characters in emails refused. */
@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "lookup"))
class LookupSecretsAndRetentionTest {
    World world;

    @Inject
    MirrorStore mirror;

    @Inject
    ConnectionStore connections;

    @Inject
    ProvisionService provision;

    @Inject
    DeprovisionService deprovision;

    @Test
    void should_read_the_connection_without_its_tokens_when_lookup_validates_an_oauth_account() {
        // GIVEN an OAuth account with a mirrored person
        OAuthTokens tokens = world.kit().admin().grantTokensDirectly();
        connections.connectOauth("projected", tokens.accessToken(), tokens.refreshToken(),
                Instant.now().getEpochSecond() + 3600, List.of("public"), 1L, "K", null);
        mirror.put(new MirrorRecord("projected", 77, "pat@example.com", "Pat", "active", Map.of(), List.of(), List.of(),
                1_700_000_000_000L, MirrorRecord.SOURCE_SYNC, null, "s1", 1));
        IamGuardInterceptor.RECENT.clear();
        // WHEN lookup is invoked
        Response r = Lambda.invoke(Map.of("account", "projected", "email", "pat@example.com"));
        // THEN it answers, and its read of the connections table named only non-secret attributes
        assertEquals(200, r.statusCode(), r.asString());
        List<GetItemRequest> reads = IamGuardInterceptor.RECENT.stream().filter(q -> q instanceof GetItemRequest)
                .map(q -> (GetItemRequest) q).filter(q -> q.tableName().equals(world.tables().connections())).toList();
        assertEquals(1, reads.size());
        assertNotNull(reads.get(0).projectionExpression(), "a projection, not the whole item");
        for (String attribute : reads.get(0).expressionAttributeNames().values()) {
            assertFalse(List.of("accessToken", "refreshToken", "apiKey", "webhookSecret", "webhookToken").contains(attribute),
                    attribute + " must not be read by lookup");
        }
    }

    @Test
    void should_stamp_a_400_day_expiry_and_hide_expired_entries_when_history_is_read() {
        // GIVEN an audit entry written now
        mirror.put(new MirrorRecord("default", 4343, "old@example.com", "Old", "active", Map.of(), List.of(), List.of(),
                1_700_000_000_000L, MirrorRecord.SOURCE_SYNC, null, "s1", 1));
        mirror.audit("default", new AuditEntry(null, "provision", "old@example.com", 4343L, "created", "test", null, null, null));
        Map<String, AttributeValue> item = auditItem("old@example.com");
        // THEN it expires kitbridge.audit.retention (default 400 days) from now, and lookup shows it
        long expiresIn = Long.parseLong(item.get(Attr.EXPIRES_AT).n()) - Instant.now().getEpochSecond();
        assertTrue(Math.abs(expiresIn - Duration.ofDays(400).toSeconds()) < 120, "expires in " + expiresIn + " s");
        assertEquals(1, Lambda.invoke(Map.of("email", "old@example.com", "history", true)).jsonPath().getList("history").size());
        // WHEN its expiry passes (DynamoDB TTL deletes late; dynalite never does)
        world.dynamo().updateItem(b -> b.tableName(world.tables().mirror())
                .key(Map.of(Attr.ACCOUNT, item.get(Attr.ACCOUNT), Attr.SK, item.get(Attr.SK)))
                .updateExpression("SET #e = :past").expressionAttributeNames(Map.of("#e", Attr.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":past", Items.n(Instant.now().getEpochSecond() - 1))));
        // THEN lookup no longer shows it
        Response after = Lambda.invoke(Map.of("email", "old@example.com", "history", true));
        assertEquals(200, after.statusCode(), after.asString());
        assertTrue(after.jsonPath().getList("history") == null || after.jsonPath().getList("history").isEmpty(), after.asString());
    }

    @Test
    void should_refuse_emails_with_control_or_bidi_characters_in_every_function_and_write_nothing_to_kit() throws Exception {
        // GIVEN an address with a right-to-left override and one with a NUL
        long kitRequests = world.kit().log().size();
        for (String email : List.of("adm\u202Enimda@example.com", "alice@example.com\u0000")) {
            // WHEN lookup (through Lambda), provision and deprovision get it
            Response looked = Lambda.invoke(Map.of("email", email));
            // THEN each answers InvalidInput
            assertEquals("InvalidInput", Lambda.errorType(looked), looked.asString());
            assertThrows(InvalidInputException.class, () -> provision.provision(new ObjectMapper().valueToTree(
                    Map.of("email", email, "firstName", "X"))));
            assertThrows(InvalidInputException.class, () -> deprovision.deprovision(
                    new DeprovisionRequest("default", email, null, false, false)));
        }
        // AND nothing reached Kit
        assertEquals(kitRequests, world.kit().log().size());
    }

    private Map<String, AttributeValue> auditItem(String email) {
        return world.dynamo().query(b -> b.tableName(world.tables().mirror())
                .keyConditionExpression("#a = :a AND begins_with(#s, :p)")
                .expressionAttributeNames(Map.of("#a", Attr.ACCOUNT, "#s", Attr.SK))
                .expressionAttributeValues(Map.of(":a", Items.s("default"), ":p", Items.s("audit#" + email + "#"))))
                .items().get(0);
    }
}
