package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a PatchOp message (RFC 7644 §3.5.2) leniently in spelling (Entra's "Replace", "operations") and strictly in shape. */
final class ScimPatch {
    private static final int MAX_OPERATIONS = 100;

    enum Kind { ADD, REPLACE, REMOVE }

    record Op(Kind kind, String path, JsonNode value) {
    }

    private ScimPatch() {
    }

    static List<Op> operations(JsonNode body) {
        JsonNode ops = member(body, "Operations").orElse(null);
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw ScimError.badRequest("invalidSyntax", "a PATCH needs a non-empty \"Operations\" array");
        }
        if (ops.size() > MAX_OPERATIONS) {
            throw ScimError.badRequest("tooMany", "at most " + MAX_OPERATIONS + " operations per PATCH");
        }
        List<Op> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            JsonNode op = ops.get(i);
            if (!op.isObject()) {
                throw ScimError.badRequest("invalidSyntax", "Operations[" + i + "] must be an object");
            }
            String name = member(op, "op").filter(JsonNode::isTextual).map(JsonNode::asText).orElse("");
            Kind kind = switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "add" -> Kind.ADD;
                case "replace" -> Kind.REPLACE;
                case "remove" -> Kind.REMOVE;
                default -> throw ScimError.badRequest("invalidSyntax", "Operations[" + i + "].op must be add, replace or"
                        + " remove, not '" + name + "'");
            };
            JsonNode path = member(op, "path").orElse(null);
            if (path != null && !path.isNull() && (!path.isTextual() || path.asText().isBlank())) {
                throw ScimError.badRequest("invalidPath", "Operations[" + i + "].path must be a non-empty string");
            }
            JsonNode value = member(op, "value").orElse(null);
            if (kind != Kind.REMOVE && value == null) {
                throw ScimError.badRequest("invalidValue", "Operations[" + i + "] (" + name + ") needs a value");
            }
            out.add(new Op(kind, path == null || path.isNull() ? null : path.asText().trim(), value));
        }
        return out;
    }

    /** A member of a JSON object, its name matched case-insensitively (SCIM attribute names are). */
    static java.util.Optional<JsonNode> member(JsonNode obj, String name) {
        Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equalsIgnoreCase(name)) {
                return java.util.Optional.of(f.getValue());
            }
        }
        return java.util.Optional.empty();
    }
}
