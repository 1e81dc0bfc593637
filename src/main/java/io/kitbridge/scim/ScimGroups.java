package io.kitbridge.scim;

import io.kitbridge.kit.KitLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.budget.Priority;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.kit.BulkResult;
import io.kitbridge.kit.BulkTaggingsRequest;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitCatalog;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.Tagging;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SCIM Groups ↔ Kit tags: id = tag id, displayName = tag name, members = subscribers the mirror shows with the tag.
 * Membership changes tag and untag in Kit (bulk endpoints when the credential allows) and are written to the mirror
 * and audited as they succeed, so a retried request only does what is left. Kit's API cannot delete a tag: a deleted
 * group loses every member and is hidden from SCIM.
 */
@ApplicationScoped
public class ScimGroups {
    static final Set<String> FILTERABLE = Set.of("displayname", "id", "externalid");
    private static final Set<String> CASE_EXACT = Set.of("id", "externalid");

    @Inject KitCatalog catalog;

    @Inject KitGateway kit;

    @Inject MirrorStore mirror;

    @Inject ScimRecords records;

    @Inject ScimConfig config;

    @Inject BudgetConfig budgetConfig;

    @Inject Clock clock;

    /** A tag as SCIM sees it. */
    record Group(long id, String name, ScimRecords.Meta meta) {
    }

    // ---------------------------------------------------------------- reads

    HttpApiResponse get(ScimRequest req, String id) {
        Group g = find(req.account(), id);
        return ScimJson.ok(200, render(req, g, req.excludes("members") ? null : members(req.account(), List.of(g)).get(g.id())));
    }

    HttpApiResponse search(ScimRequest req) {
        ScimFilter.Node filter = req.query("filter").map(f -> ScimFilter.parse(f, FILTERABLE)).orElse(null);
        int startIndex = req.startIndex();
        int count = req.count(config.maxResults());
        Map<Long, ScimRecords.Meta> metas = records.all(req.account(), ScimRecords.Resource.GROUP);
        List<Group> matches = new ArrayList<>();
        catalog.tags(req.account(), Priority.INTERACTIVE, false).forEach((name, id) -> {
            Group g = new Group(id, name, metas.getOrDefault(id, ScimRecords.Meta.none(id)));
            if (!g.meta().deleted() && (filter == null || ScimFilter.matches(filter, attr -> switch (attr) {
                case "displayname" -> List.of(g.name());
                case "id" -> List.of(Long.toString(g.id()));
                case "externalid" -> java.util.Collections.singletonList(g.meta().externalId());
                default -> List.of();
            }, CASE_EXACT))) {
                matches.add(g);
            }
        });
        matches.sort(Comparator.comparingLong(Group::id));
        List<Group> page = matches.stream().skip(startIndex - 1L).limit(count).toList();
        Map<Long, List<MirrorRecord>> members = req.excludes("members") || page.isEmpty() ? Map.of()
                : members(req.account(), page);
        List<JsonNode> out = page.stream().map(g -> (JsonNode) render(req, g,
                req.excludes("members") ? null : members.getOrDefault(g.id(), List.of()))).toList();
        return ScimJson.list(out, matches.size(), startIndex);
    }

    Group find(String account, String id) {
        long tagId = ScimUsers.parseId(id).orElseThrow(() -> ScimError.notFound("Group " + id + " not found"));
        String name = catalog.tagName(account, tagId, Priority.INTERACTIVE)
                .orElseThrow(() -> ScimError.notFound("Group " + id + " not found"));
        ScimRecords.Meta meta = records.group(account, tagId);
        if (meta.deleted()) {
            throw ScimError.notFound("Group " + id + " not found");
        }
        return new Group(tagId, name, meta);
    }

    // ---------------------------------------------------------------- writes

    HttpApiResponse create(ScimRequest req) {
        JsonNode body = req.bodyObject();
        String name = displayName(member(body, "displayName"));
        String externalId = externalId(member(body, "externalId"));
        Set<Long> add = memberIds(member(body, "members"));
        String account = req.account();
        Long existing = catalog.tags(account, Priority.INTERACTIVE, false).get(name);
        if (existing == null) { // maybe made in Kit's UI since the cache was filled
            existing = catalog.tags(account, Priority.INTERACTIVE, true).get(name);
        }
        long tagId;
        if (existing != null) {
            ScimRecords.Meta meta = records.group(account, existing);
            if (meta.created() != null && !meta.deleted()) {
                throw new ScimError(409, "uniqueness", "a group named " + name + " already exists (id " + existing + ")");
            }
            tagId = existing; // adopt the Kit tag of that name
        } else {
            tagId = catalog.createTag(account, name);
        }
        String kitName = catalog.tagName(account, tagId, Priority.INTERACTIVE).orElse(name);
        ScimRecords.Meta meta = records.saveGroup(account, tagId, kitName, externalId, false);
        Group g = new Group(tagId, kitName, meta);
        changeMembers(account, g, add, Set.of());
        return ScimJson.ok(201, render(req, g, req.excludes("members") ? null : members(account, List.of(g)).get(tagId)),
                req.baseUrl() + "/Groups/" + tagId);
    }

    HttpApiResponse replace(ScimRequest req, String id) {
        Group g = find(req.account(), id);
        JsonNode body = req.bodyObject();
        checkName(g, member(body, "displayName"));
        Set<Long> wanted = memberIds(member(body, "members"));
        Set<Long> current = memberIdsOf(req.account(), g);
        Set<Long> add = new LinkedHashSet<>(wanted);
        add.removeAll(current);
        Set<Long> remove = new LinkedHashSet<>(current);
        remove.removeAll(wanted);
        g = saveExternalId(req.account(), g, externalId(member(body, "externalId")));
        changeMembers(req.account(), g, add, remove);
        return ScimJson.ok(200, render(req, g, req.excludes("members") ? null : members(req.account(), List.of(g)).get(g.id())));
    }

    HttpApiResponse patch(ScimRequest req, String id) {
        String account = req.account();
        Group g = find(account, id);
        Set<Long> add = new LinkedHashSet<>();
        Set<Long> remove = new LinkedHashSet<>();
        Set<Long> replaceWith = null;
        String externalId = g.meta().externalId();
        for (ScimPatch.Op op : ScimPatch.operations(req.bodyObject())) {
            String path = op.path() == null ? null : op.path().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")
                    .replace(ScimFilter.CORE_GROUP, "");
            if (path == null) {
                if (op.value() == null || !op.value().isObject()) {
                    throw ScimError.badRequest("invalidValue", "an operation without a path needs an object value");
                }
                checkName(g, member(op.value(), "displayName"));
                if (member(op.value(), "externalId") != null) {
                    externalId = externalId(member(op.value(), "externalId"));
                }
                JsonNode members = member(op.value(), "members");
                if (members != null) {
                    if (op.kind() == ScimPatch.Kind.REPLACE) {
                        replaceWith = memberIds(members);
                    } else {
                        add.addAll(memberIds(members));
                    }
                }
            } else if (path.equals("members")) {
                switch (op.kind()) {
                    case ADD -> add.addAll(memberIds(op.value()));
                    case REPLACE -> replaceWith = memberIds(op.value());
                    case REMOVE -> {
                        if (op.value() == null || op.value().isNull()) {
                            replaceWith = new LinkedHashSet<>(); // remove every member
                        } else {
                            remove.addAll(memberIds(op.value()));
                        }
                    }
                }
            } else if (path.matches("members\\[value eq \"[^\"]*\"\\]")) {
                if (op.kind() != ScimPatch.Kind.REMOVE) {
                    throw ScimError.badRequest("invalidPath", "members[value eq ...] is supported with remove only");
                }
                remove.addAll(memberIds(com.fasterxml.jackson.databind.node.TextNode.valueOf(
                        path.substring(path.indexOf('"') + 1, path.lastIndexOf('"')))));
            } else if (path.equals("displayname")) {
                checkName(g, op.kind() == ScimPatch.Kind.REMOVE ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                        : op.value());
            } else if (path.equals("externalid")) {
                externalId = op.kind() == ScimPatch.Kind.REMOVE ? null : externalId(op.value());
            } else {
                throw ScimError.badRequest("invalidPath", "path '" + op.path() + "' is not supported on Groups (members,"
                        + " members[value eq \"id\"], displayName, externalId)");
            }
        }
        if (replaceWith != null) {
            Set<Long> current = memberIdsOf(account, g);
            Set<Long> target = new LinkedHashSet<>(replaceWith);
            target.addAll(add);
            target.removeAll(remove);
            add = new LinkedHashSet<>(target);
            add.removeAll(current);
            remove = new LinkedHashSet<>(current);
            remove.removeAll(target);
        }
        g = saveExternalId(account, g, externalId);
        changeMembers(account, g, add, remove);
        return ScimJson.ok(200, render(req, g, req.excludes("members") ? null : members(account, List.of(g)).get(g.id())));
    }

    HttpApiResponse delete(ScimRequest req, String id) {
        String account = req.account();
        Group g = find(account, id);
        changeMembers(account, g, Set.of(), memberIdsOf(account, g), false);
        records.saveGroup(account, g.id(), g.name(), g.meta().externalId(), true);
        return ScimJson.noContent();
    }

    // ---------------------------------------------------------------- membership

    private void changeMembers(String account, Group g, Set<Long> add, Set<Long> remove) {
        changeMembers(account, g, add, remove, true);
    }

    private void changeMembers(String account, Group g, Set<Long> add, Set<Long> remove, boolean limited) {
        Set<Long> adding = new LinkedHashSet<>(add);
        adding.removeAll(remove);
        if (limited && adding.size() + remove.size() > config.maxMemberChanges()) {
            throw ScimError.badRequest("tooMany", "at most " + config.maxMemberChanges() + " member changes per request"
                    + " (kitbridge.scim.max-member-changes); split the change");
        }
        Map<Long, MirrorRecord> users = new HashMap<>();
        for (long id : adding) {
            MirrorRecord r = mirror.get(account, id).filter(rec -> !MirrorRecord.STATE_MISSING.equals(rec.state()))
                    .filter(rec -> !records.user(account, id).deleted())
                    .orElseThrow(() -> ScimError.badRequest("invalidValue", "member " + id + " is not a user of this SCIM"
                            + " service; nothing was changed"));
            users.put(id, r);
        }
        // what the mirror already shows as done is skipped: a retried request continues where the last one stopped
        Map<Long, MirrorRecord> removing = new HashMap<>();
        remove.forEach(id -> mirror.get(account, id).ifPresent(r -> removing.put(id, r)));
        List<Long> toTag = adding.stream().filter(id -> !carries(users.get(id), g)).toList();
        List<Long> toUntag = remove.stream().filter(id -> removing.get(id) == null || carries(removing.get(id), g)).toList();
        List<String> failures = new ArrayList<>();
        boolean bulk = kit.credential(account).allowsBulk();
        long deadline = clock.millis() + config.workBudget().toMillis();
        int done = apply(account, g, toTag, true, bulk, failures, deadline, 0);
        apply(account, g, toUntag, false, bulk, failures, deadline, done);
        if (!failures.isEmpty()) {
            throw ScimError.badRequest("invalidValue", "Kit refused some membership changes of group " + g.id() + ": "
                    + failures + "; the others were applied");
        }
    }

    /** (Un)tags {@code ids}; returns the Kit requests made so far ({@code done} counts earlier ones). */
    private int apply(String account, Group g, List<Long> ids, boolean tag, boolean bulk, List<String> failures,
            long deadline, int done) {
        int requests = done;
        if (bulk) {
            for (int i = 0; i < ids.size(); i += KitLimits.BULK_SYNC_ITEMS) {
                checkTime(deadline, requests++, ids.size() - i);
                List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + KitLimits.BULK_SYNC_ITEMS));
                BulkTaggingsRequest body = new BulkTaggingsRequest(chunk.stream().map(id -> new Tagging(g.id(), id)).toList(), null);
                BulkResult result = kit.call(call(account, tag ? "bulk tag subscribers" : "bulk untag subscribers"),
                        api -> tag ? api.bulkTagSubscribers(account, body) : api.bulkUntagSubscribers(account, body)).getEntity();
                Set<Long> failed = new java.util.HashSet<>();
                if (result != null) {
                    result.failuresOrEmpty().forEach(f -> {
                        failed.add(f.subscriberId());
                        failures.add(f.subscriberId() + ": " + f.errors());
                    });
                }
                chunk.stream().filter(id -> !failed.contains(id)).forEach(id -> recordMembership(account, g, id, tag));
            }
            return requests;
        }
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            checkTime(deadline, requests++, ids.size() - i);
            if (tag) {
                kit.call(call(account, "tag subscriber"), api -> api.tagSubscriber(account, g.id(), id));
            } else {
                try {
                    kit.call(call(account, "remove tag"), api -> api.removeTag(account, g.id(), id));
                } catch (KitException e) {
                    if (e.kind() != KitErrorKind.NOT_FOUND) { // 404: not tagged any more, which is what we want
                        throw e;
                    }
                }
            }
            recordMembership(account, g, id, tag);
        }
        return requests;
    }

    /** After the work budget, stop with the progress kept: the IdP retries after Retry-After and the rest follows. */
    private void checkTime(long deadline, int requestsMade, int left) {
        if (requestsMade > 0 && clock.millis() >= deadline) {
            throw new ScimError(429, null, left + " membership change(s) left after " + config.workBudget().toSeconds()
                    + " s (kitbridge.scim.work-budget); the others are applied - repeat the request to continue",
                    java.time.Duration.ofSeconds(1));
        }
    }

    private static boolean carries(MirrorRecord r, Group g) {
        return r != null && ((r.tagIds() != null && r.tagIds().contains(g.id()))
                || (r.tags() != null && r.tags().stream().anyMatch(t -> t.equalsIgnoreCase(g.name()))));
    }

    /**
     * Mirror and audit after Kit confirmed one (un)tagging, as an observation of that one tag at this moment merged
     * by the mirror's ordering rule (compare-and-set, so a concurrent webhook is not lost). Guards: the record was
     * rebuilt by hand here, which appended the id out of the name order (tagIds[i] no longer named tags[i]) and
     * dropped every tag's observation time, so an older webhook could then undo a newer change.
     */
    private void recordMembership(String account, Group g, long subscriberId, boolean tagged) {
        Optional<MirrorRecord> read = mirror.get(account, subscriberId);
        if (read.isEmpty()) {
            return; // nothing to hang the tag on: the next sync brings the person with it
        }
        long now = clock.millis();
        MirrorMerge.Result result = mirror.merge(account, subscriberId, read, ignored -> new MirrorObservation(account,
                subscriberId, null, Map.of(g.id(), new MirrorObservation.TagSeen(now, tagged, g.name())), 0, MirrorRecord.SOURCE_SCIM,
                null, true));
        if (result.write()) {
            List<String> before = read.get().tags() == null ? List.of() : read.get().tags();
            mirror.audit(account, new AuditEntry(null, tagged ? "scim.group.add" : "scim.group.remove", read.get().email(),
                    subscriberId, tagged ? "tagged" : "untagged", "scim", Map.of("tags", String.join(",", before)),
                    Map.of("tags", String.join(",", result.record().tags())), "group " + g.id() + " (" + g.name() + ")"));
        }
    }

    /** Mirror records carrying each group's tag (by id, or by name where an older writer kept names only). */
    private Map<Long, List<MirrorRecord>> members(String account, List<Group> groups) {
        Map<Long, List<MirrorRecord>> out = new HashMap<>();
        groups.forEach(g -> out.put(g.id(), new ArrayList<>()));
        Map<Long, ScimRecords.Meta> users = records.all(account, ScimRecords.Resource.USER);
        mirror.forEachSubscriber(account, r -> {
            if (MirrorRecord.STATE_MISSING.equals(r.state()) || users.getOrDefault(r.subscriberId(),
                    ScimRecords.Meta.none(r.subscriberId())).deleted()) {
                return;
            }
            for (Group g : groups) {
                if (carries(r, g)) {
                    out.get(g.id()).add(r);
                }
            }
        });
        return out;
    }

    private Set<Long> memberIdsOf(String account, Group g) {
        Set<Long> ids = new LinkedHashSet<>();
        members(account, List.of(g)).get(g.id()).forEach(r -> ids.add(r.subscriberId()));
        return ids;
    }

    private ObjectNode render(ScimRequest req, Group g, List<MirrorRecord> members) {
        ObjectNode group = ScimJson.object();
        group.putArray("schemas").add(ScimJson.GROUP_SCHEMA);
        group.put("id", Long.toString(g.id()));
        if (g.meta().externalId() != null) {
            group.put("externalId", g.meta().externalId());
        }
        group.put("displayName", g.name());
        if (members != null) {
            ArrayNode array = group.putArray("members");
            members.stream().sorted(Comparator.comparingLong(MirrorRecord::subscriberId)).forEach(r -> array.addObject()
                    .put("value", Long.toString(r.subscriberId())).put("display", r.email())
                    .put("$ref", req.baseUrl() + "/Users/" + r.subscriberId()).put("type", "User"));
        }
        ObjectNode meta = group.putObject("meta");
        meta.put("resourceType", "Group");
        String now = Instant.now(clock).toString();
        meta.put("created", g.meta().created() != null ? g.meta().created() : now);
        meta.put("lastModified", g.meta().lastModified() != null ? g.meta().lastModified() : now);
        meta.put("location", req.baseUrl() + "/Groups/" + g.id());
        return group;
    }

    private Group saveExternalId(String account, Group g, String externalId) {
        if (java.util.Objects.equals(externalId, g.meta().externalId()) && g.meta().created() != null) {
            return g;
        }
        return new Group(g.id(), g.name(), records.saveGroup(account, g.id(), g.name(), externalId, false));
    }

    private static void checkName(Group g, JsonNode value) {
        if (value == null) {
            return;
        }
        String wanted = value.isTextual() ? value.asText().trim() : null;
        if (wanted == null || !wanted.equalsIgnoreCase(g.name())) {
            throw ScimError.badRequest("mutability", "displayName is the Kit tag's name ('" + g.name() + "'), which"
                    + " kitbridge cannot rename; create a new group instead");
        }
    }

    private static String displayName(JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ScimError.badRequest("invalidValue", "displayName is required (the Kit tag's name)");
        }
        String name = v.asText().trim();
        if (name.length() > KitLimits.MAX_NAME) {
            throw ScimError.badRequest("invalidValue", "displayName is longer than " + KitLimits.MAX_NAME + " characters");
        }
        return name;
    }

    private static String externalId(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().length() > 512) {
            throw ScimError.badRequest("invalidValue", "externalId must be a string of at most 512 characters");
        }
        return v.asText();
    }

    /** [{"value": "123"}, ...], one such object, or a bare id; every id must be a subscriber id. */
    private static Set<Long> memberIds(JsonNode v) {
        Set<Long> out = new LinkedHashSet<>();
        if (v == null || v.isNull()) {
            return out;
        }
        List<JsonNode> items = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(items::add);
        } else {
            items.add(v);
        }
        for (JsonNode item : items) {
            JsonNode id = item.isObject() ? member(item, "value") : item;
            String text = id == null || !id.isValueNode() ? null : id.asText();
            out.add(ScimUsers.parseId(text).orElseThrow(() -> ScimError.badRequest("invalidValue", "member '" + text
                    + "' is not a user id of this SCIM service")));
        }
        return out;
    }

    private static JsonNode member(JsonNode obj, String name) {
        return ScimPatch.member(obj, name).orElse(null);
    }

    private KitCall call(String account, String operation) {
        return KitCall.interactive(account, operation, true, budgetConfig.interactiveMaxWait());
    }
}
