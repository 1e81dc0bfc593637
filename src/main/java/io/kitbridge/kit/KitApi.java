package io.kitbridge.kit;

import io.quarkus.rest.client.reactive.ClientQueryParam;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The one client for Kit API v4. Every call names the account in {@link #ACCOUNT_HEADER};
 * {@link KitAuthFilter} swaps it for that account's credential, so the interface never sees a secret.
 * Call it only through {@link KitGateway}, which takes a rate-budget permit for every request.
 */
@RegisterRestClient(configKey = "kit")
@RegisterProvider(KitAuthFilter.class)
@RegisterProvider(KitResponseExceptionMapper.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface KitApi {
    /** Internal header: removed by the auth filter before the request leaves the process. */
    String ACCOUNT_HEADER = "X-Kitbridge-Account";
    /** Internal header: an OAuth access token not stored yet (the callback's identity check); removed by the filter. */
    String ACCESS_TOKEN_HEADER = "X-Kitbridge-Access-Token";

    // ---- account

    /** Which Kit account a freshly issued access token belongs to. */
    @GET @Path("/v4/account")
    KitAccount account(@HeaderParam(ACCESS_TOKEN_HEADER) String accessToken);

    /** Which Kit account a stored connection (an API key) reaches. */
    @GET @Path("/v4/account")
    KitAccount accountOf(@HeaderParam(ACCOUNT_HEADER) String account);

    // ---- subscribers

    /**
     * The subscribers with this email address (Kit matches it case-insensitively): at most one, in practice. In any
     * state ({@code status=all}): without it Kit lists only active subscribers, and an unsubscribed or bounced person
     * would look absent (kit-v4-deltas.md, "List subscribers").
     */
    @GET @Path("/v4/subscribers")
    @ClientQueryParam(name = "status", value = "all")
    SubscriberPage findSubscribersByEmail(@HeaderParam(ACCOUNT_HEADER) String account, @QueryParam("email_address") String email);

    /**
     * A page of subscribers with related data in each item ({@code include}: a comma list of {@code tags},
     * {@code attribution}, {@code location}, {@code canceled_at}; kit-v4-deltas.md, "List subscribers: include and
     * slim"). With {@code tags} every item carries {@code tags: [{id, name}]}, observed with the rest of the item.
     */
    @GET @Path("/v4/subscribers")
    SubscriberPage listSubscribersIncluding(@HeaderParam(ACCOUNT_HEADER) String account, @QueryParam("status") String status,
            @QueryParam("updated_after") String updatedAfter, @QueryParam("include") String include, @BeanParam PageQuery page);

    @GET @Path("/v4/subscribers/{id}")
    SubscriberEnvelope getSubscriber(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("id") long id);

    /** Upsert by email: 201 created, 200 updated, 202 when Kit applies many fields asynchronously. */
    @POST @Path("/v4/subscribers")
    RestResponse<SubscriberEnvelope> upsertSubscriber(@HeaderParam(ACCOUNT_HEADER) String account, SubscriberUpsert body);

    @PUT @Path("/v4/subscribers/{id}")
    SubscriberEnvelope updateSubscriber(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("id") long id,
            SubscriberUpdate body);

    /** Irreversible. 200 with a body (seed) or 204 without one (Kit's docs). */
    @POST @Path("/v4/subscribers/{id}/unsubscribe")
    RestResponse<SubscriberEnvelope> unsubscribe(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("id") long id);

    @GET @Path("/v4/subscribers/{id}/tags")
    TagPage listSubscriberTags(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("id") long id,
            @BeanParam PageQuery page);

    // ---- tags

    @GET @Path("/v4/tags")
    TagPage listTags(@HeaderParam(ACCOUNT_HEADER) String account, @BeanParam PageQuery page);

    /** 201 created, 200 when a tag of that name exists. */
    @POST @Path("/v4/tags")
    RestResponse<TagEnvelope> createTag(@HeaderParam(ACCOUNT_HEADER) String account, TagCreate body);

    /** 201 newly tagged, 200 already tagged: safe to repeat. */
    @POST @Path("/v4/tags/{tagId}/subscribers")
    RestResponse<SubscriberEnvelope> tagSubscriberByEmail(@HeaderParam(ACCOUNT_HEADER) String account,
            @PathParam("tagId") long tagId, TagSubscriberByEmail body);

    @POST @Path("/v4/tags/{tagId}/subscribers/{subscriberId}")
    RestResponse<SubscriberEnvelope> tagSubscriber(@HeaderParam(ACCOUNT_HEADER) String account,
            @PathParam("tagId") long tagId, @PathParam("subscriberId") long subscriberId);

    /** 204; 404 when the subscriber does not carry the tag. */
    @DELETE @Path("/v4/tags/{tagId}/subscribers/{subscriberId}")
    RestResponse<Void> removeTag(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("tagId") long tagId,
            @PathParam("subscriberId") long subscriberId);

    @GET @Path("/v4/tags/{tagId}/subscribers")
    SubscriberPage listTagSubscribers(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("tagId") long tagId,
            @QueryParam("status") String status, @QueryParam("tagged_after") String taggedAfter, @BeanParam PageQuery page);

    // ---- custom fields

    @GET @Path("/v4/custom_fields")
    CustomFieldPage listCustomFields(@HeaderParam(ACCOUNT_HEADER) String account, @BeanParam PageQuery page);

    @POST @Path("/v4/custom_fields")
    CustomFieldEnvelope createCustomField(@HeaderParam(ACCOUNT_HEADER) String account, CustomFieldCreate body);

    // ---- bulk (OAuth only; <=100 items synchronous 200, above that 202 and a callback)

    @POST @Path("/v4/bulk/subscribers")
    RestResponse<BulkResult> bulkCreateSubscribers(@HeaderParam(ACCOUNT_HEADER) String account, BulkSubscribersRequest body);

    @POST @Path("/v4/bulk/tags/subscribers")
    RestResponse<BulkResult> bulkTagSubscribers(@HeaderParam(ACCOUNT_HEADER) String account, BulkTaggingsRequest body);

    @DELETE @Path("/v4/bulk/tags/subscribers")
    RestResponse<BulkResult> bulkUntagSubscribers(@HeaderParam(ACCOUNT_HEADER) String account, BulkTaggingsRequest body);

    // ---- webhooks, two kinds side by side: legacy (/v4/webhooks, unsigned) and endpoints (HMAC-signed)

    @POST @Path("/v4/webhooks")
    LegacyWebhookEnvelope createWebhook(@HeaderParam(ACCOUNT_HEADER) String account, LegacyWebhookCreate body);

    @POST @Path("/v4/webhook_endpoints")
    WebhookEndpointEnvelope createWebhookEndpoint(@HeaderParam(ACCOUNT_HEADER) String account, WebhookEndpointCreate body);

    @GET @Path("/v4/webhooks")
    LegacyWebhookPage listWebhooks(@HeaderParam(ACCOUNT_HEADER) String account, @BeanParam PageQuery page);

    @GET @Path("/v4/webhook_endpoints")
    WebhookEndpointPage listWebhookEndpoints(@HeaderParam(ACCOUNT_HEADER) String account, @BeanParam PageQuery page);

    @DELETE @Path("/v4/webhooks/{id}")
    RestResponse<Void> deleteWebhook(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("id") long id);

    @DELETE @Path("/v4/webhook_endpoints/{id}")
    RestResponse<Void> deleteWebhookEndpoint(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("id") long id);

    // ---- OAuth (no account header: the token endpoint authenticates by client id/secret and code/refresh token)

    /** grant_type=authorization_code (with code_verifier for PKCE) or grant_type=refresh_token. */
    @POST @Path("/oauth/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    TokenResponse token(MultivaluedMap<String, String> form);
}
