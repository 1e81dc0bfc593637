package io.kitbridge.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.store.AuditEntry;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KitWorld.class, initArgs = @ResourceArg(name = "function", value = "lookup"))
class LookupFunctionTest {
    World world;

    @Inject
    MirrorStore mirror;

    @Test
    void should_return_mirror_record_and_spend_no_kit_budget_when_looking_up_by_email_or_id() {
        // GIVEN a person in the mirror with an audit entry
        mirror.put(new MirrorRecord("default", 4242, "jane@example.com", "Jane", "active", Map.of("plan", "pro"),
                List.of("customer"), List.of(7L), 1_700_000_000_000L, MirrorRecord.SOURCE_SYNC, null, "s1", 1));
        mirror.audit("default", new AuditEntry(null, "provision", "jane@example.com", 4242L, "created", "test", null,
                Map.of("plan", "pro"), null));
        long kitRequestsBefore = world.kit().log().size();
        // WHEN lookup is invoked by email (any case) and by id
        Response byEmail = Lambda.invoke(Map.of("email", " Jane@Example.com ", "history", true));
        Response byId = Lambda.invoke(Map.of("account", "default", "subscriberId", 4242));
        // THEN both return the record, with history when asked, and Kit saw nothing
        assertEquals(200, byEmail.statusCode(), byEmail.asString());
        assertEquals(4242, byEmail.jsonPath().getLong("subscriberId"));
        assertEquals("pro", byEmail.jsonPath().getString("fields.plan"));
        assertEquals(List.of("customer"), byEmail.jsonPath().getList("tags"));
        assertEquals("sync", byEmail.jsonPath().getString("source"));
        assertEquals("provision", byEmail.jsonPath().getString("history[0].action"));
        assertEquals("jane@example.com", byId.jsonPath().getString("email"));
        assertEquals(kitRequestsBefore, world.kit().log().size());
    }

    @Test
    void should_cost_one_read_by_id_and_one_query_by_email_when_looking_up() {
        // GIVEN a person in the mirror (issue 19: counted by the SDK interceptor that sees every call)
        mirror.put(new MirrorRecord("default", 4343, "count@example.com", "Count", "active", Map.of(), List.of(),
                List.of(), 1_700_000_000_000L, MirrorRecord.SOURCE_SYNC, null, "s1", 1));
        // WHEN lookup is invoked by id, then by email
        long before = IamGuardInterceptor.FUNCTION_CALLS.get();
        Response byId = Lambda.invoke(Map.of("account", "default", "subscriberId", 4343));
        long afterId = IamGuardInterceptor.FUNCTION_CALLS.get();
        String idCall = IamGuardInterceptor.RECENT.peekLast().getClass().getSimpleName();
        Response byEmail = Lambda.invoke(Map.of("email", "count@example.com"));
        long afterEmail = IamGuardInterceptor.FUNCTION_CALLS.get();
        String emailCall = IamGuardInterceptor.RECENT.peekLast().getClass().getSimpleName();
        // THEN each found the person with a single DynamoDB call: one GetItem, one Query on the email index
        assertEquals(4343, byId.jsonPath().getLong("subscriberId"), byId.asString());
        assertEquals(4343, byEmail.jsonPath().getLong("subscriberId"), byEmail.asString());
        assertEquals(1, afterId - before);
        assertEquals("GetItemRequest", idCall);
        assertEquals(1, afterEmail - afterId);
        assertEquals("QueryRequest", emailCall);
    }

    @Test
    void should_fail_with_typed_errors_when_input_is_bad_or_person_unknown() {
        Response unknown = Lambda.invoke(Map.of("email", "nobody@example.com"));
        assertEquals(500, unknown.statusCode());
        assertEquals("NotFound", Lambda.errorType(unknown));

        Response badEmail = Lambda.invoke(Map.of("email", "not-an-email"));
        assertEquals("InvalidInput", Lambda.errorType(badEmail));
        assertTrue(badEmail.jsonPath().getString("errorMessage").contains("email"));

        Response badAccount = Lambda.invoke(Map.of("account", "no-such-account", "email", "a@example.com"));
        assertEquals("InvalidInput", Lambda.errorType(badAccount));
        assertTrue(badAccount.jsonPath().getString("errorMessage").contains("account"));
        assertFalse(badAccount.asString().contains(KitWorld.API_KEY));
    }
}
