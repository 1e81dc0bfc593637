package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.common.HttpApiResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SCIM message shapes and the HTTP responses that carry them ({@code application/scim+json}). */
final class ScimJson {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/scim+json";
    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final String ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    private static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
    private static final String PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private ScimJson() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static HttpApiResponse ok(int status, JsonNode body) {
        return ok(status, body, null);
    }

    static HttpApiResponse ok(int status, JsonNode body, String location) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", CONTENT_TYPE);
        if (location != null) {
            headers.put("location", location);
        }
        return new HttpApiResponse(status, headers, body.toString(), false);
    }

    static HttpApiResponse noContent() {
        return new HttpApiResponse(204, Map.of(), "", false);
    }

    static HttpApiResponse list(List<? extends JsonNode> page, long total, int startIndex) {
        ObjectNode out = object();
        out.putArray("schemas").add(LIST_SCHEMA);
        out.put("totalResults", total);
        out.put("itemsPerPage", page.size());
        out.put("startIndex", startIndex);
        ArrayNode resources = out.putArray("Resources");
        page.forEach(resources::add);
        return ok(200, out);
    }

    static HttpApiResponse error(ScimError e) {
        ObjectNode body = object();
        body.putArray("schemas").add(ERROR_SCHEMA);
        body.put("status", Integer.toString(e.status()));
        if (e.scimType() != null) {
            body.put("scimType", e.scimType());
        }
        body.put("detail", e.getMessage());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", CONTENT_TYPE);
        Duration retry = e.retryAfter();
        if (retry != null) {
            headers.put("retry-after", Long.toString(Math.max(1, (retry.toMillis() + 999) / 1000)));
        }
        if (e.status() == 401) {
            headers.put("www-authenticate", "Bearer realm=\"kitbridge-scim\"");
        }
        return new HttpApiResponse(e.status(), headers, body.toString(), false);
    }
}
