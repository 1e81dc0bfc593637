package io.kitbridge.scim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.ResourceConflictException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import io.kitbridge.sim.SimAdmin;
import io.kitbridge.sim.SimSubscriber;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.util.List;
import java.util.Map;

/**
 * The UnboundID SCIM 2 SDK client (com.unboundid.product.scim2:scim2-sdk-client, on the REST client's JAX-RS
 * implementation) creates, searches, patches and deletes users and groups, and every step is checked in Kit.
 */
final class UnboundIdScenario {
    private UnboundIdScenario() {
    }

    /** Runs the scenario against {@code baseUrl} (…/scim/v2/{account}); returns the number of SCIM requests made. */
    static int run(String baseUrl, String token, SimAdmin kit) throws Exception {
        Client client = ClientBuilder.newClient();
        client.register((ClientRequestFilter) request -> request.getHeaders().putSingle("Authorization", "Bearer " + token));
        int requests = 0;
        try {
            ScimService scim = new ScimService(client.target(baseUrl));
            ServiceProviderConfigResource config = scim.getServiceProviderConfig();
            requests++;
            assertTrue(config.getPatch().isSupported());
            assertFalse(config.getBulk().isSupported());

            // users: create, search, patch (by path and by meta.location), delete
            long n = System.nanoTime();
            String email = "unbound" + n + "@example.com";
            UserResource user = new UserResource().setUserName(email).setActive(true)
                    .setName(new Name().setGivenName("Una").setFamilyName("Bound"))
                    .setEmails(new Email().setValue(email).setType("work").setPrimary(true));
            user.setExternalId("ub-" + n);
            UserResource created = scim.create("Users", user);
            requests++;
            assertEquals(email, created.getUserName());
            SimSubscriber inKit = kit.subscriberByEmail(email).orElseThrow();
            assertEquals(Long.toString(inKit.id()), created.getId());
            assertEquals("Una", inKit.firstName());
            assertThrows(ResourceConflictException.class, () -> scim.create("Users", user));
            requests++;

            ListResponse<UserResource> found = scim.searchRequest("Users").filter(Filter.eq("userName", email)).page(1, 10)
                    .invoke(UserResource.class);
            requests++;
            assertEquals(1, found.getTotalResults());
            assertEquals(created.getId(), found.getResources().get(0).getId());
            ListResponse<UserResource> byExternal = scim.searchRequest("Users")
                    .filter(Filter.and(Filter.eq("externalId", "ub-" + n), Filter.eq("active", true))).invoke(UserResource.class);
            requests++;
            assertEquals(1, byExternal.getTotalResults());

            UserResource renamed = scim.modifyRequest("Users", created.getId()).replaceValue("name.givenName", "Unity")
                    .invoke(UserResource.class);
            requests++;
            assertEquals("Unity", renamed.getName().getGivenName());
            assertEquals("Unity", kit.subscriber(inKit.id()).orElseThrow().firstName());

            // a second user, to be a group member
            String memberEmail = "member" + n + "@example.com";
            UserResource member = scim.create("Users", new UserResource().setUserName(memberEmail).setActive(true)
                    .setEmails(new Email().setValue(memberEmail).setType("work").setPrimary(true)));
            requests++;

            // groups: create, add member, search, remove member, delete
            String groupName = "UnboundID " + n;
            GroupResource group = scim.create("Groups", new GroupResource().setDisplayName(groupName));
            requests++;
            long tagId = Long.parseLong(group.getId());
            assertEquals(tagId, kit.tagIdsByName().get(groupName));
            GroupResource withMember = scim.modifyRequest("Groups", group.getId())
                    .addValues("members", new Member().setValue(member.getId())).invoke(GroupResource.class);
            requests++;
            assertEquals(List.of(member.getId()), withMember.getMembers().stream().map(Member::getValue).toList());
            assertTrue(kit.subscriber(Long.parseLong(member.getId())).orElseThrow().tagIds().contains(tagId));
            ListResponse<GroupResource> groups = scim.searchRequest("Groups").filter(Filter.eq("displayName", groupName))
                    .invoke(GroupResource.class);
            requests++;
            assertEquals(1, groups.getTotalResults());
            GroupResource emptied = scim.modifyRequest("Groups", group.getId())
                    .removeValues("members[value eq \"" + member.getId() + "\"]").invoke(GroupResource.class);
            requests++;
            assertTrue(emptied.getMembers() == null || emptied.getMembers().isEmpty(), String.valueOf(emptied.getMembers()));
            assertFalse(kit.subscriber(Long.parseLong(member.getId())).orElseThrow().tagIds().contains(tagId));
            scim.delete("Groups", group.getId());
            requests++;
            assertThrows(ResourceNotFoundException.class, () -> scim.retrieve("Groups", group.getId(), GroupResource.class));
            requests++;

            // deactivate through the resource's meta.location, then delete
            UserResource inactive = scim.modifyRequest(renamed).replaceValue("active", false).invoke();
            requests++;
            assertFalse(inactive.getActive());
            assertTrue(List.of("cancelled", "inactive").contains(kit.subscriber(inKit.id()).orElseThrow().state()));
            scim.delete("Users", created.getId());
            requests++;
            assertThrows(ResourceNotFoundException.class, () -> scim.retrieve("Users", created.getId(), UserResource.class));
            requests++;
            scim.delete("Users", member.getId());
            requests++;
            assertEquals(Map.of(), Map.of());
            return requests;
        } finally {
            client.close();
        }
    }
}
