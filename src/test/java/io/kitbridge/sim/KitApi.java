package io.kitbridge.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

import static io.kitbridge.sim.SimHttp.JSON;
import static io.kitbridge.sim.SimHttp.Req;
import static io.kitbridge.sim.SimHttp.Resp;
import static io.kitbridge.sim.SimStore.NODES;

/** The /v4 REST surface. Authentication, rate limiting, faults and logging happen in {@link KitSimulator}. */
final class KitApi {
    static final int DEFAULT_PER_PAGE = 500;
    static final int MAX_PER_PAGE = 1000;
    static final int BULK_SYNC_MAX = 100;
    static final int BULK_MAX = 10_000;

    private final SimEngine engine;
    private final SimStore store;
    private final WebhookDispatcher hooks;
    private final SimConfig config;
    private final ObjectMapper mapper;
    private final SimAccounts accounts;

    KitApi(SimEngine engine, ObjectMapper mapper, SimAccounts accounts) {
        this.accounts = accounts;
        this.engine = engine;
        this.store = engine.store;
        this.hooks = engine.hooks;
        this.config = engine.config;
        this.mapper = mapper;
    }

    // ---------------------------------------------------------------- responses

    Resp json(int status, JsonNode body) {
        try {
            return new Resp(status, JSON, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Resp errors(int status, String... messages) {
        ObjectNode o = NODES.objectNode();
        ArrayNode a = o.putArray("errors");
        for (String m : messages) {
            a.add(m);
        }
        return json(status, o);
    }

    Resp notFound() {
        return errors(404, "Not Found");
    }

    private static ObjectNode wrap(String key, JsonNode value) {
        ObjectNode o = NODES.objectNode();
        o.set(key, value);
        return o;
    }

    // ---------------------------------------------------------------- routing

    Resp handle(Req r) {
        try {
            return route(r);
        } catch (SimEngine.NotFound e) {
            return notFound();
        } catch (SimEngine.Invalid e) {
            return errors(422, e.getMessage());
        } catch (Pager.BadCursor e) {
            return errors(422, "Invalid cursor");
        } catch (SimHttp.BadJson e) {
            return errors(400, e.getMessage());
        }
    }

    private Resp route(Req r) {
        String[] s = r.segs; // s[0] == "v4"
        int n = s.length;
        String m = r.method;
        if (n < 2) {
            return notFound();
        }
        switch (s[1]) {
            case "account":
                if (n == 2 && m.equals("GET")) {
                    return account(r);
                }
                break;
            case "subscribers":
                if (n == 2) {
                    if (m.equals("GET")) {
                        return listSubscribers(r);
                    }
                    if (m.equals("POST")) {
                        return upsertSubscriber(r);
                    }
                } else {
                    long id = id(s[2]);
                    if (n == 3 && m.equals("GET")) {
                        return getSubscriber(id);
                    }
                    if (n == 3 && (m.equals("PUT") || m.equals("PATCH"))) {
                        return updateSubscriber(r, id);
                    }
                    if (n == 4 && s[3].equals("unsubscribe") && m.equals("POST")) {
                        return unsubscribe(id);
                    }
                    if (n == 4 && s[3].equals("tags") && m.equals("GET")) {
                        return subscriberTags(r, id);
                    }
                }
                break;
            case "tags":
                if (n == 2) {
                    if (m.equals("GET")) {
                        return listTags(r);
                    }
                    if (m.equals("POST")) {
                        return createTag(r);
                    }
                } else if (n >= 4 && s[3].equals("subscribers")) {
                    long tagId = id(s[2]);
                    if (n == 4 && m.equals("GET")) {
                        return tagSubscribers(r, tagId);
                    }
                    if (n == 4 && m.equals("POST")) {
                        String email = text(r.json(), "email_address");
                        if (email == null || email.isBlank()) {
                            throw new SimEngine.Invalid("Email address can't be blank");
                        }
                        return tagged(engine.tag(tagId, -1, email));
                    }
                    if (n == 4 && m.equals("DELETE")) {
                        String email = r.query.containsKey("email_address") ? r.query.get("email_address")
                                : text(r.json(), "email_address");
                        if (email == null || email.isBlank()) {
                            throw new SimEngine.Invalid("Email address can't be blank");
                        }
                        engine.untag(tagId, -1, email);
                        return Resp.empty(204);
                    }
                    if (n == 5) {
                        long subId = id(s[4]);
                        if (m.equals("POST")) {
                            return tagged(engine.tag(tagId, subId, null));
                        }
                        if (m.equals("DELETE")) {
                            engine.untag(tagId, subId, null);
                            return Resp.empty(204);
                        }
                    }
                }
                break;
            case "custom_fields":
                if (n == 2 && m.equals("GET")) {
                    return listCustomFields(r);
                }
                if (n == 2 && m.equals("POST")) {
                    String label = text(r.json(), "label");
                    return json(201, wrap("custom_field", engine.createCustomField(label, null)));
                }
                break;
            case "bulk":
                if (n == 3 && s[2].equals("subscribers") && m.equals("POST")) {
                    return bulk(r, "subscribers", items -> engine.bulkSubscribers(items));
                }
                if (n == 4 && s[2].equals("tags") && s[3].equals("subscribers")
                        && (m.equals("POST") || m.equals("DELETE"))) {
                    boolean add = m.equals("POST");
                    return bulk(r, "taggings", items -> engine.bulkTaggings(items, add));
                }
                break;
            case "webhooks":
                if (n == 2 && m.equals("GET")) {
                    return listWebhooks(r);
                }
                if (n == 2 && m.equals("POST")) {
                    return createWebhook(r);
                }
                if (n == 3 && m.equals("DELETE")) {
                    return hooks.legacy.remove(id(s[2])) == null ? notFound() : Resp.empty(204);
                }
                break;
            case "webhook_endpoints":
                if (n == 2 && m.equals("GET")) {
                    return listEndpoints(r);
                }
                if (n == 2 && m.equals("POST")) {
                    return createEndpoint(r);
                }
                if (n == 3 && m.equals("DELETE")) {
                    return hooks.endpoints.remove(id(s[2])) == null ? notFound() : Resp.empty(204);
                }
                break;
            default:
                break;
        }
        return notFound();
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new SimEngine.NotFound();
        }
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    // ---------------------------------------------------------------- account

    /** GET /v4/account: the credential's own Kit account (kit-v4-deltas.md, row "Account identity"). */
    private Resp account(Req r) {
        return json(200, accounts.body(r.kitAccountId));
    }

    // ---------------------------------------------------------------- subscribers

    private Map<String, String> fields(JsonNode body) {
        JsonNode f = body.get("fields");
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isObject()) {
            throw new SimEngine.Invalid("Fields must be an object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : f.properties()) {
            JsonNode v = e.getValue();
            m.put(e.getKey(), v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
        }
        return m;
    }

    private void addWarnings(ObjectNode out, List<String> unknown) {
        if (config.dialect() == Dialect.PUBLIC && !unknown.isEmpty()) {
            ArrayNode w = out.putArray("warnings");
            for (String k : unknown) {
                w.add("Custom field '" + k + "' does not exist and was ignored");
            }
        }
    }

    private Resp upsertSubscriber(Req r) {
        JsonNode b = r.json();
        Map<String, String> fields = fields(b);
        boolean hasFirst = b.has("first_name");
        SimEngine.UpsertResult res = engine.upsert(text(b, "email_address"), hasFirst, text(b, "first_name"),
                text(b, "state"), fields);
        ObjectNode out = wrap("subscriber", res.subscriber());
        addWarnings(out, res.unknownFields());
        int status = res.created() ? 201 : 200;
        if (config.dialect() == Dialect.PUBLIC && fields != null && fields.size() > 10) {
            status = 202;
        }
        return json(status, out);
    }

    private Resp updateSubscriber(Req r, long id) {
        JsonNode b = r.json();
        SimEngine.UpsertResult res = engine.update(id, text(b, "email_address"), b.has("first_name"),
                text(b, "first_name"), fields(b));
        ObjectNode out = wrap("subscriber", res.subscriber());
        addWarnings(out, res.unknownFields());
        return json(200, out);
    }

    private Resp getSubscriber(long id) {
        store.rw.readLock().lock();
        try {
            int slot = store.slotOf(id);
            if (slot < 0) {
                return notFound();
            }
            return json(200, wrap("subscriber", store.subscriberJson(slot)));
        } finally {
            store.rw.readLock().unlock();
        }
    }

    private Resp unsubscribe(long id) {
        ObjectNode sub = engine.unsubscribe(id);
        if (config.dialect() == Dialect.PUBLIC) {
            return Resp.empty(204);
        }
        return json(200, wrap("subscriber", sub));
    }

    static int perPage(Map<String, String> q) {
        String v = q.get("per_page");
        if (v == null || v.isBlank()) {
            return DEFAULT_PER_PAGE;
        }
        int p;
        try {
            p = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new SimEngine.Invalid("per_page must be an integer");
        }
        if (p < 1) {
            throw new SimEngine.Invalid("per_page must be greater than 0");
        }
        return Math.min(p, MAX_PER_PAGE);
    }

    /** Epoch millis of a date (YYYY-MM-DD, start of day UTC) or ISO date-time; null when absent. */
    static Long time(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.trim();
        try {
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            try {
                return Instant.parse(v).toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(v).toInstant().toEpochMilli();
                } catch (DateTimeParseException e2) {
                    return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
                }
            }
        } catch (DateTimeParseException e) {
            throw new SimEngine.Invalid(key + " is not a valid date");
        }
    }

    /** -1 = all states. */
    private static byte status(Map<String, String> q) {
        String v = q.getOrDefault("status", "active");
        if (v.equalsIgnoreCase("all")) {
            return -1;
        }
        byte s = SimStore.stateCode(v);
        if (s < 0) {
            throw new SimEngine.Invalid("Status must be one of: active, inactive, bounced, complained, cancelled, all");
        }
        return s;
    }

    private static boolean bool(Map<String, String> q, String key) {
        String v = q.get(key);
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    private ObjectNode pagination(Pager.Page p) {
        ObjectNode o = NODES.objectNode();
        o.put("has_previous_page", p.hasPrev());
        o.put("has_next_page", p.hasNext());
        o.put("start_cursor", p.startCursor());
        o.put("end_cursor", p.endCursor());
        o.put("per_page", p.perPage());
        return o;
    }

    private Pager.Seq<?> subscriberSeq(Map<String, String> q) {
        String sortField = q.getOrDefault("sort_field", "id");
        String sortOrder = q.getOrDefault("sort_order", "asc");
        if (!sortOrder.equals("asc") && !sortOrder.equals("desc")) {
            throw new SimEngine.Invalid("sort_order must be asc or desc");
        }
        boolean desc = sortOrder.equals("desc");
        final long[] ids = store.ids;
        final int n = store.n;
        String email = q.get("email_address");
        if (email != null) {
            int slot = store.slotOfEmail(email.trim());
            int[] cands = slot < 0 ? new int[0] : new int[]{slot};
            return Pager.indexed(cands.length, p -> cands[p], (key, pos) -> Long.compare(key, ids[cands[pos]]),
                    c -> Pager.parseLong(Pager.decodeCursor(c, "id:")),
                    item -> Pager.encodeCursor("id:" + ids[(int) item]));
        }
        switch (sortField) {
            case "id":
                if (desc) {
                    return Pager.indexed(n, p -> n - 1 - p, (key, pos) -> Long.compare(ids[n - 1 - pos], key),
                            c -> Pager.parseLong(Pager.decodeCursor(c, "id:")),
                            item -> Pager.encodeCursor("id:" + ids[(int) item]));
                }
                return Pager.indexed(n, p -> p, (key, pos) -> Long.compare(key, ids[pos]),
                        c -> Pager.parseLong(Pager.decodeCursor(c, "id:")),
                        item -> Pager.encodeCursor("id:" + ids[(int) item]));
            case "created_at":
            case "updated_at":
                boolean upd = sortField.equals("updated_at");
                int[] order = store.sortedBy(upd);
                long[] vals = upd ? store.updatedMs : store.createdSec;
                String prefix = upd ? "ua:" : "ca:";
                java.util.function.IntToLongFunction at = desc ? p -> order[n - 1 - p] : p -> order[p];
                return Pager.<long[]>indexed(n, at, (key, pos) -> {
                    int sl = (int) at.applyAsLong(pos);
                    int c = Long.compare(key[0], vals[sl]);
                    if (c == 0) {
                        c = Long.compare(key[1], ids[sl]);
                    }
                    return desc ? -c : c;
                }, c -> {
                    String[] parts = Pager.decodeCursor(c, prefix).split(":");
                    if (parts.length != 2) {
                        throw new Pager.BadCursor();
                    }
                    return new long[]{Pager.parseLong(parts[0]), Pager.parseLong(parts[1])};
                }, item -> Pager.encodeCursor(prefix + vals[(int) item] + ":" + ids[(int) item]));
            default:
                throw new SimEngine.Invalid("sort_field must be one of: id, created_at, updated_at");
        }
    }

    private Resp listSubscribers(Req r) {
        Map<String, String> q = r.query;
        byte st = status(q);
        Long ca = time(q, "created_after");
        Long cb = time(q, "created_before");
        Long ua = time(q, "updated_after");
        Long ub = time(q, "updated_before");
        int perPage = perPage(q);
        Include include = include(q, st);
        boolean slim = bool(q, "slim");
        store.rw.readLock().lock();
        try {
            final byte[] states = store.states;
            final long[] created = store.createdSec;
            final long[] updated = store.updatedMs;
            final long caS = ca == null ? Long.MIN_VALUE : Math.floorDiv(ca + 999, 1000L);
            final long cbS = cb == null ? Long.MAX_VALUE : Math.floorDiv(cb + 999, 1000L);
            final long uaM = ua == null ? Long.MIN_VALUE : ua;
            final long ubM = ub == null ? Long.MAX_VALUE : ub;
            LongPredicate filter = item -> {
                int sl = (int) item;
                return (st < 0 || states[sl] == st) && created[sl] >= caS && created[sl] < cbS
                        && updated[sl] >= uaM && updated[sl] < ubM;
            };
            Pager.Seq<?> seq = subscriberSeq(q);
            Pager.Page p = Pager.page(seq, filter, q.get("after"), q.get("before"), perPage);
            ObjectNode out = NODES.objectNode();
            ArrayNode arr = out.putArray("subscribers");
            for (int i = 0; i < p.size(); i++) {
                arr.add(included(store.subscriberJson((int) p.items()[i]), (int) p.items()[i], include, slim));
            }
            ObjectNode pag = pagination(p);
            if (bool(q, "include_total_count")) {
                pag.put("total_count", Pager.count(seq, filter));
            }
            out.set("pagination", pag);
            return json(200, out);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    /** The {@code include} values asked for on a subscriber list. */
    private record Include(boolean tags, boolean attribution, boolean location, boolean canceledAt) {
    }

    /**
     * kit-v4-deltas.md, row "List subscribers: include and slim" (from Kit's OpenAPI and SDKs): {@code include} is a
     * comma list of {@code attribution}, {@code tags}, {@code location}, {@code canceled_at}, the last only with
     * {@code status=cancelled}. What Kit does with any other value is not documented: the strict reading, a 422,
     * like every other invalid list parameter here (sort_field, status). Both dialects (the seed is silent).
     */
    private static Include include(Map<String, String> q, byte status) {
        String v = q.get("include");
        if (v == null || v.isBlank()) {
            return new Include(false, false, false, false);
        }
        boolean tags = false;
        boolean attribution = false;
        boolean location = false;
        boolean canceledAt = false;
        for (String part : v.split(",")) {
            switch (part.trim()) {
                case "tags" -> tags = true;
                case "attribution" -> attribution = true;
                case "location" -> location = true;
                case "canceled_at" -> canceledAt = true;
                default -> throw new SimEngine.Invalid("include must be a comma list of: attribution, tags, location, canceled_at");
            }
        }
        if (canceledAt && status != SimStore.stateCode("cancelled")) {
            throw new SimEngine.Invalid("include=canceled_at requires status=cancelled");
        }
        return new Include(tags, attribution, location, canceledAt);
    }

    /**
     * One list item with what {@code include} asked for, read under the same lock as the rest of the item (so its
     * tags are observed at the same time); {@code slim=true} omits the custom field values (same deltas row).
     */
    private ObjectNode included(ObjectNode item, int slot, Include include, boolean slim) {
        if (slim) {
            item.remove("fields");
        }
        if (include.tags() && !engine.ignoreIncludeTags) {
            long[] pairs = store.tagPairs[slot] == null ? new long[0] : store.tagPairs[slot];
            long[] tagIds = new long[pairs.length / 2];
            for (int i = 0; i < tagIds.length; i++) {
                tagIds[i] = pairs[2 * i];
            }
            java.util.Arrays.sort(tagIds);
            ArrayNode tags = item.putArray("tags");
            for (long tagId : tagIds) {
                SimStore.Tag t = store.tag(tagId);
                tags.addObject().put("id", t.id).put("name", t.name);
            }
        }
        if (include.attribution()) {
            item.putNull("attribution"); // the simulator records no attribution
        }
        if (include.location()) {
            item.putNull("location"); // nor locations
        }
        if (include.canceledAt()) {
            item.putNull("canceled_at"); // nor cancellation times
        }
        return item;
    }

    private Resp subscriberTags(Req r, long id) {
        int perPage = perPage(r.query);
        store.rw.readLock().lock();
        try {
            int slot = store.slotOf(id);
            if (slot < 0) {
                return notFound();
            }
            long[] pairs = store.tagPairs[slot] == null ? new long[0] : store.tagPairs[slot];
            long[] tagIds = new long[pairs.length / 2];
            for (int i = 0; i < tagIds.length; i++) {
                tagIds[i] = pairs[2 * i];
            }
            java.util.Arrays.sort(tagIds);
            Pager.Page p = Pager.page(Pager.idList(tagIds, "id:"), x -> true, r.query.get("after"),
                    r.query.get("before"), perPage);
            ObjectNode out = NODES.objectNode();
            ArrayNode arr = out.putArray("tags");
            for (int i = 0; i < p.size(); i++) {
                SimStore.Tag t = store.tag(tagIds[(int) p.items()[i]]);
                ObjectNode o = arr.addObject();
                o.put("id", t.id);
                o.put("name", t.name);
                o.put("tagged_at", SimStore.iso(store.taggedAt(slot, t.id)));
            }
            out.set("pagination", pagination(p));
            return json(200, out);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- tags

    private Resp listTags(Req r) {
        int perPage = perPage(r.query);
        store.rw.readLock().lock();
        try {
            ObjectNode out = NODES.objectNode();
            ArrayNode arr = out.putArray("tags");
            if (config.dialect() == Dialect.SEED) {
                for (SimStore.Tag t : store.tagsById.values()) {
                    arr.add(store.tagJson(t));
                }
                return json(200, out);
            }
            long[] ids = store.tagsById.keySet().stream().mapToLong(Long::longValue).toArray();
            Pager.Page p = Pager.page(Pager.idList(ids, "id:"), x -> true, r.query.get("after"),
                    r.query.get("before"), perPage);
            for (int i = 0; i < p.size(); i++) {
                arr.add(store.tagJson(store.tag(ids[(int) p.items()[i]])));
            }
            ObjectNode pag = pagination(p);
            if (bool(r.query, "include_total_count")) {
                pag.put("total_count", ids.length);
            }
            out.set("pagination", pag);
            return json(200, out);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    private Resp createTag(Req r) {
        SimEngine.TagCreate c = engine.createTag(text(r.json(), "name"));
        return json(c.created() ? 201 : 200, wrap("tag", c.tag()));
    }

    private Resp tagged(SimEngine.TagResult res) {
        return json(res.created() ? 201 : 200, wrap("subscriber", res.subscriber()));
    }

    private Resp tagSubscribers(Req r, long tagId) {
        Map<String, String> q = r.query;
        byte st = status(q);
        Long ta = time(q, "tagged_after");
        Long tb = time(q, "tagged_before");
        int perPage = perPage(q);
        store.rw.readLock().lock();
        try {
            SimStore.Tag t = store.tag(tagId);
            if (t == null) {
                return notFound();
            }
            final long taS = ta == null ? Long.MIN_VALUE : Math.floorDiv(ta + 999, 1000L);
            final long tbS = tb == null ? Long.MAX_VALUE : Math.floorDiv(tb + 999, 1000L);
            LongPredicate filter = subId -> {
                int sl = store.slotOf(subId);
                if (sl < 0 || (st >= 0 && store.states[sl] != st)) {
                    return false;
                }
                long at = store.taggedAt(sl, tagId);
                return at >= taS && at < tbS;
            };
            Pager.Seq<Long> seq = Pager.navigable(t.members, "id:");
            Pager.Page p = Pager.page(seq, filter, q.get("after"), q.get("before"), perPage);
            ObjectNode out = NODES.objectNode();
            ArrayNode arr = out.putArray("subscribers");
            for (int i = 0; i < p.size(); i++) {
                int sl = store.slotOf(p.items()[i]);
                ObjectNode o = store.subscriberJson(sl);
                o.put("tagged_at", SimStore.iso(store.taggedAt(sl, tagId)));
                arr.add(o);
            }
            ObjectNode pag = pagination(p);
            if (bool(q, "include_total_count")) {
                pag.put("total_count", Pager.count(seq, filter));
            }
            out.set("pagination", pag);
            return json(200, out);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- custom fields

    private Resp listCustomFields(Req r) {
        int perPage = perPage(r.query);
        store.rw.readLock().lock();
        try {
            long[] ids = new long[store.fieldDefs.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = store.fieldDefs.get(i).id;
            }
            Pager.Page p = Pager.page(Pager.idList(ids, "id:"), x -> true, r.query.get("after"),
                    r.query.get("before"), perPage);
            ObjectNode out = NODES.objectNode();
            ArrayNode arr = out.putArray("custom_fields");
            for (int i = 0; i < p.size(); i++) {
                arr.add(store.fieldJson(store.fieldDefs.get((int) p.items()[i])));
            }
            out.set("pagination", pagination(p));
            return json(200, out);
        } finally {
            store.rw.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- bulk

    private Resp bulk(Req r, String key, java.util.function.Function<List<JsonNode>, ObjectNode> op) {
        if (!"oauth".equals(r.credentialKind)) {
            return errors(403, "Bulk endpoints require OAuth");
        }
        JsonNode b = r.json();
        JsonNode arr = b.get(key);
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw new SimEngine.Invalid(key + " must be a non-empty array");
        }
        if (arr.size() > BULK_MAX) {
            return errors(413, "Request exceeds the maximum of " + BULK_MAX + " items");
        }
        List<JsonNode> items = new ArrayList<>(arr.size());
        arr.forEach(items::add);
        if (items.size() <= BULK_SYNC_MAX) {
            return json(200, op.apply(items));
        }
        String callback = text(b, "callback_url");
        if (callback != null && !validUrl(callback)) {
            throw new SimEngine.Invalid("Callback url is invalid");
        }
        hooks.submit(() -> {
            ObjectNode result = op.apply(items);
            if (callback != null) {
                hooks.postCallback(callback, hooks.write(result));
            }
        });
        return json(202, NODES.objectNode());
    }

    // ---------------------------------------------------------------- webhooks

    static boolean validUrl(String u) {
        try {
            URI uri = URI.create(u.trim());
            return uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private ObjectNode legacyJson(WebhookDispatcher.LegacyHook h) {
        ObjectNode o = NODES.objectNode();
        o.put("id", h.id);
        o.put("account_id", WebhookDispatcher.ACCOUNT_ID);
        o.set("event", h.eventJson);
        o.put("target_url", h.targetUrl);
        return o;
    }

    private Resp createWebhook(Req r) {
        JsonNode b = r.json();
        String target = text(b, "target_url");
        if (target == null || !validUrl(target)) {
            throw new SimEngine.Invalid("Target url is invalid");
        }
        JsonNode ev = b.get("event");
        String name = ev != null && ev.isObject() ? text(ev, "name") : ev != null && ev.isTextual() ? ev.asText()
                : null;
        String normalized = SimEvent.normalize(name);
        if (normalized == null || normalized.equals(SimEvent.CUSTOM_FIELD_VALUE_UPDATE)) {
            throw new SimEngine.Invalid("Event name is invalid");
        }
        ObjectNode eventJson = ev != null && ev.isObject() ? ((ObjectNode) ev).deepCopy() : NODES.objectNode();
        eventJson.put("name", normalized);
        Long tagId = null;
        JsonNode initiator = null;
        if (eventJson.hasNonNull("tag_id")) {
            tagId = eventJson.get("tag_id").asLong();
            initiator = eventJson.get("tag_id");
        } else {
            for (String k : new String[]{"form_id", "course_id", "sequence_id", "product_id", "initiator_value"}) {
                if (eventJson.hasNonNull(k)) {
                    initiator = eventJson.get(k);
                    break;
                }
            }
        }
        eventJson.set("initiator_value", initiator == null ? NODES.nullNode() : initiator);
        WebhookDispatcher.LegacyHook h = hooks.addLegacy(target.trim(), normalized, tagId, eventJson);
        return json(201, wrap("webhook", legacyJson(h)));
    }

    private Resp listWebhooks(Req r) {
        List<WebhookDispatcher.LegacyHook> all = new ArrayList<>(hooks.legacy.values());
        long[] ids = all.stream().mapToLong(h -> h.id).toArray();
        Pager.Page p = Pager.page(Pager.idList(ids, "id:"), x -> true, r.query.get("after"), r.query.get("before"),
                perPage(r.query));
        ObjectNode out = NODES.objectNode();
        ArrayNode arr = out.putArray("webhooks");
        for (int i = 0; i < p.size(); i++) {
            arr.add(legacyJson(all.get((int) p.items()[i])));
        }
        out.set("pagination", pagination(p));
        return json(200, out);
    }

    private ObjectNode endpointJson(WebhookDispatcher.Endpoint e, boolean withSecret) {
        ObjectNode o = NODES.objectNode();
        o.put("id", e.id);
        o.put("url", e.url);
        ArrayNode ev = o.putArray("events");
        e.events.forEach(ev::add);
        o.put("name", e.name);
        if (withSecret) {
            o.put("secret", e.secret);
        }
        return o;
    }

    private Resp createEndpoint(Req r) {
        JsonNode b = r.json();
        String url = text(b, "url");
        if (url == null || !validUrl(url)) {
            throw new SimEngine.Invalid("Url is invalid");
        }
        JsonNode evs = b.get("events");
        if (evs == null || !evs.isArray() || evs.isEmpty()) {
            throw new SimEngine.Invalid("Events can't be blank");
        }
        // Kit's endpoint catalog has its own names; legacy names ("subscriber.tag_add"), planned or unknown types are
        // refused with 422 at create/update (kit-v4-deltas.md "Webhook endpoint event types")
        List<String> events = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode e : evs) {
            String name = e.isTextual() ? e.asText() : e.toString();
            if (!SimEvent.isCatalogName(name) || hooks.unavailableEndpointEvents.contains(name)) {
                refused.add(name);
            } else if (!events.contains(name)) {
                events.add(name);
            }
        }
        if (!refused.isEmpty()) {
            throw new SimEngine.Invalid("Events " + String.join(", ", refused) + " are not available webhook event types");
        }
        String name = text(b, "name");
        WebhookDispatcher.Endpoint e = hooks.addEndpoint(url.trim(), events, name == null ? "" : name);
        return json(201, wrap("webhook_endpoint", endpointJson(e, true)));
    }

    private Resp listEndpoints(Req r) {
        List<WebhookDispatcher.Endpoint> all = new ArrayList<>(hooks.endpoints.values());
        long[] ids = all.stream().mapToLong(e -> e.id).toArray();
        Pager.Page p = Pager.page(Pager.idList(ids, "id:"), x -> true, r.query.get("after"), r.query.get("before"),
                perPage(r.query));
        ObjectNode out = NODES.objectNode();
        ArrayNode arr = out.putArray("webhook_endpoints");
        for (int i = 0; i < p.size(); i++) {
            arr.add(endpointJson(all.get((int) p.items()[i]), false));
        }
        out.set("pagination", pagination(p));
        return json(200, out);
    }
}
