package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.common.HttpApiResponse;
import java.util.List;

/** ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4): what this service supports, stated honestly. */
final class ScimDiscovery {
    private static final String SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    private static final String RT_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    private static final String SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    private ScimDiscovery() {
    }

    static HttpApiResponse serviceProviderConfig(ScimRequest req, int maxResults) {
        ObjectNode c = ScimJson.object();
        c.putArray("schemas").add(SPC_SCHEMA);
        c.put("documentationUri", "https://github.com/kitbridge/kitbridge#provision-from-okta--entra-id");
        c.putObject("patch").put("supported", true);
        c.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        c.putObject("filter").put("supported", true).put("maxResults", maxResults);
        c.putObject("changePassword").put("supported", false);
        c.putObject("sort").put("supported", false);
        c.putObject("etag").put("supported", false);
        c.putArray("authenticationSchemes").addObject().put("type", "oauthbearertoken").put("name", "Bearer token")
                .put("description", "A per-account token minted by the operator with {\"action\": \"token\"}")
                .put("primary", true);
        c.putObject("meta").put("resourceType", "ServiceProviderConfig").put("location",
                req.baseUrl() + "/ServiceProviderConfig");
        return ScimJson.ok(200, c);
    }

    static HttpApiResponse resourceTypes(ScimRequest req, String id) {
        List<JsonNode> types = List.of(resourceType(req, "User", "/Users", ScimJson.USER_SCHEMA, true),
                resourceType(req, "Group", "/Groups", ScimJson.GROUP_SCHEMA, false));
        if (id != null) {
            return types.stream().filter(t -> t.path("id").asText().equals(id)).findFirst().map(t -> ScimJson.ok(200, t))
                    .orElseThrow(() -> ScimError.notFound("ResourceType " + id + " not found"));
        }
        return ScimJson.list(types, types.size(), 1);
    }

    static HttpApiResponse schemas(ScimRequest req, String id) {
        List<JsonNode> schemas = List.of(userSchema(req), groupSchema(req));
        if (id != null) {
            return schemas.stream().filter(s -> s.path("id").asText().equals(id)).findFirst().map(s -> ScimJson.ok(200, s))
                    .orElseThrow(() -> ScimError.notFound("Schema " + id + " not found"));
        }
        return ScimJson.list(schemas, schemas.size(), 1);
    }

    private static JsonNode resourceType(ScimRequest req, String name, String endpoint, String schema, boolean enterprise) {
        ObjectNode t = ScimJson.object();
        t.putArray("schemas").add(RT_SCHEMA);
        t.put("id", name).put("name", name).put("endpoint", endpoint).put("schema", schema);
        if (enterprise) {
            t.putArray("schemaExtensions").addObject().put("schema", ScimJson.ENTERPRISE_SCHEMA).put("required", false);
        }
        t.putObject("meta").put("resourceType", "ResourceType").put("location", req.baseUrl() + "/ResourceTypes/" + name);
        return t;
    }

    private static JsonNode userSchema(ScimRequest req) {
        ObjectNode s = schema(req, ScimJson.USER_SCHEMA, "User", "A Kit subscriber");
        ArrayNode a = s.putArray("attributes");
        attribute(a, "userName", "string", "The email address Kit knows the subscriber by", true, "immutable", "server");
        ObjectNode name = attribute(a, "name", "complex", "givenName is Kit's first name; other parts per attribute map",
                false, "readWrite", "none");
        ArrayNode sub = name.putArray("subAttributes");
        attribute(sub, "givenName", "string", "Kit's first_name", false, "readWrite", "none");
        attribute(sub, "familyName", "string", "a Kit custom field when mapped", false, "readWrite", "none");
        ObjectNode emails = attribute(a, "emails", "complex", "The one address (= userName), type work, primary", false,
                "readWrite", "none");
        emails.put("multiValued", true);
        ArrayNode esub = emails.putArray("subAttributes");
        attribute(esub, "value", "string", "Email address", false, "readWrite", "none");
        attribute(esub, "type", "string", "work", false, "readWrite", "none");
        attribute(esub, "primary", "boolean", "true", false, "readWrite", "none");
        attribute(a, "active", "boolean", "state = active; false unsubscribes (irreversible), true cannot be restored",
                false, "readWrite", "none");
        attribute(a, "externalId", "string", "The IdP's id, kept by kitbridge", false, "readWrite", "none")
                .put("caseExact", true);
        attribute(a, "title", "string", "a Kit custom field when mapped", false, "readWrite", "none");
        return s;
    }

    private static JsonNode groupSchema(ScimRequest req) {
        ObjectNode s = schema(req, ScimJson.GROUP_SCHEMA, "Group", "A Kit tag");
        ArrayNode a = s.putArray("attributes");
        attribute(a, "displayName", "string", "The Kit tag's name (cannot be renamed)", true, "immutable", "server");
        ObjectNode members = attribute(a, "members", "complex", "Subscribers carrying the tag", false, "readWrite", "none");
        members.put("multiValued", true);
        ArrayNode sub = members.putArray("subAttributes");
        attribute(sub, "value", "string", "User id", false, "immutable", "none");
        attribute(sub, "display", "string", "Email", false, "readOnly", "none");
        attribute(a, "externalId", "string", "The IdP's id, kept by kitbridge", false, "readWrite", "none")
                .put("caseExact", true);
        return s;
    }

    private static ObjectNode schema(ScimRequest req, String id, String name, String description) {
        ObjectNode s = ScimJson.object();
        s.putArray("schemas").add(SCHEMA_SCHEMA);
        s.put("id", id).put("name", name).put("description", description);
        s.putObject("meta").put("resourceType", "Schema").put("location", req.baseUrl() + "/Schemas/" + id);
        return s;
    }

    private static ObjectNode attribute(ArrayNode into, String name, String type, String description, boolean required,
            String mutability, String uniqueness) {
        return into.addObject().put("name", name).put("type", type).put("multiValued", false).put("description", description)
                .put("required", required).put("caseExact", false).put("mutability", mutability).put("returned", "default")
                .put("uniqueness", uniqueness);
    }
}
