package io.kitbridge.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kitbridge.budget.BudgetConfig;
import io.kitbridge.common.EmailAddress;
import io.kitbridge.common.HttpApiResponse;
import io.kitbridge.common.InvalidInputException;
import io.kitbridge.deprovision.DeprovisionRequest;
import io.kitbridge.deprovision.DeprovisionService;
import io.kitbridge.kit.KitCall;
import io.kitbridge.kit.KitGateway;
import io.kitbridge.kit.Subscriber;
import io.kitbridge.kit.SubscriberState;
import io.kitbridge.kit.SubscriberUpdate;
import io.kitbridge.store.AuditEntry;
import io.kitbridge.provision.ProvisionOutput;
import io.kitbridge.provision.ProvisionResult;
import io.kitbridge.provision.ProvisionService;
import io.kitbridge.store.MirrorMerge;
import io.kitbridge.store.MirrorObservation;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * SCIM Users ↔ Kit subscribers. Reads come from the mirror (no Kit budget); writes go through provision and
 * deprovision's public entry points, so Kit's rules (custom fields checked first, unsubscribes guarded and
 * confirmed) hold for IdPs exactly as for direct callers. What Kit cannot do is refused with 400 mutability.
 */
@ApplicationScoped
public class ScimUsers {
    static final Set<String> FILTERABLE = Set.of(UserAttributes.USER_NAME, UserAttributes.EXTERNAL_ID, "id",
            UserAttributes.EMAIL, UserAttributes.ACTIVE);
    private static final Set<String> CASE_EXACT = Set.of("id", UserAttributes.EXTERNAL_ID);
    private static final int MAX_EXTERNAL_ID = 512;

    @Inject ProvisionService provision;

    @Inject DeprovisionService deprovision;

    @Inject MirrorStore mirror;

    @Inject ScimRecords records;

    @Inject KitGateway kit;

    @Inject BudgetConfig budgetConfig;

    @Inject ScimConfig config;

    @Inject Clock clock;

    AttributeMap attributeMap;

    @PostConstruct
    void init() {
        attributeMap = AttributeMap.parse(config.attributeMap().orElse(null));
    }

    /** A user as SCIM sees it: the mirror record and SCIM's own record of it. */
    record Found(MirrorRecord record, ScimRecords.Meta meta) {
    }

    // ---------------------------------------------------------------- reads

    HttpApiResponse get(ScimRequest req, String id) {
        return ScimJson.ok(200, render(req, find(req.account(), id)));
    }

    HttpApiResponse search(ScimRequest req) {
        ScimFilter.Node filter = req.query("filter").map(f -> ScimFilter.parse(f, FILTERABLE)).orElse(null);
        int startIndex = req.startIndex();
        int count = req.count(config.maxResults());
        List<Found> matches = new ArrayList<>();
        Optional<Set<Long>> candidates = filter == null ? Optional.empty() : candidates(req.account(), filter);
        if (candidates.isPresent()) {
            for (long id : candidates.get()) {
                visible(req.account(), id).filter(f -> filter == null || matches(filter, f)).ifPresent(matches::add);
            }
        } else {
            Map<Long, ScimRecords.Meta> metas = records.all(req.account(), ScimRecords.Resource.USER);
            mirror.forEachSubscriber(req.account(), r -> {
                ScimRecords.Meta meta = metas.getOrDefault(r.subscriberId(), ScimRecords.Meta.none(r.subscriberId()));
                Found f = new Found(r, meta);
                if (isVisible(f) && (filter == null || matches(filter, f))) {
                    matches.add(f);
                }
            });
        }
        matches.sort(Comparator.comparingLong(f -> f.record().subscriberId()));
        List<JsonNode> page = matches.stream().skip(startIndex - 1L).limit(count).map(f -> (JsonNode) render(req, f)).toList();
        return ScimJson.list(page, matches.size(), startIndex);
    }

    Found find(String account, String id) {
        long subscriberId = parseId(id).orElseThrow(() -> ScimError.notFound("User " + id + " not found"));
        return visible(account, subscriberId).orElseThrow(() -> ScimError.notFound("User " + id + " not found"));
    }

    Optional<Found> visible(String account, long id) {
        return mirror.get(account, id).map(r -> new Found(r, records.user(account, id))).filter(ScimUsers::isVisible);
    }

    static boolean isVisible(Found f) {
        return !MirrorRecord.STATE_MISSING.equals(f.record().state()) && !f.meta().deleted() && f.record().email() != null;
    }

    /** Ids to look at instead of scanning the account, when the filter pins them down; empty = scan. */
    private Optional<Set<Long>> candidates(String account, ScimFilter.Node node) {
        if (node instanceof ScimFilter.Eq eq) {
            if (eq.value() == null) {
                return Optional.empty();
            }
            return switch (eq.attr()) {
                case UserAttributes.USER_NAME, UserAttributes.EMAIL -> Optional.of(mirror.findByEmail(account, eq.value())
                        .map(r -> Set.of(r.subscriberId())).orElse(Set.of()));
                case "id" -> Optional.of(parseId(eq.value()).map(Set::of).orElse(Set.of()));
                case UserAttributes.EXTERNAL_ID -> Optional.of(records.userByExternalId(account, eq.value()).map(Set::of)
                        .orElse(Set.of()));
                default -> Optional.empty();
            };
        }
        if (node instanceof ScimFilter.And and) {
            for (ScimFilter.Node term : and.terms()) {
                Optional<Set<Long>> ids = candidates(account, term);
                if (ids.isPresent()) {
                    return ids;
                }
            }
            return Optional.empty();
        }
        Set<Long> union = new LinkedHashSet<>();
        for (ScimFilter.Node term : ((ScimFilter.Or) node).terms()) {
            Optional<Set<Long>> ids = candidates(account, term);
            if (ids.isEmpty()) {
                return Optional.empty();
            }
            union.addAll(ids.get());
        }
        return Optional.of(union);
    }

    private static boolean matches(ScimFilter.Node filter, Found f) {
        return ScimFilter.matches(filter, attr -> switch (attr) {
            case UserAttributes.USER_NAME, UserAttributes.EMAIL -> List.of(f.record().email());
            case "id" -> List.of(Long.toString(f.record().subscriberId()));
            case UserAttributes.EXTERNAL_ID -> f.meta().externalId() == null ? java.util.Collections.singletonList(null)
                    : List.of(f.meta().externalId());
            case UserAttributes.ACTIVE -> List.of(Boolean.toString(isActive(f.record())));
            default -> List.of();
        }, CASE_EXACT);
    }

    // ---------------------------------------------------------------- writes

    HttpApiResponse create(ScimRequest req) {
        Map<String, JsonNode> desired = UserAttributes.empty();
        UserAttributes.flatten(req.bodyObject(), "", desired);
        String email = email(desired, null);
        if (!activeOf(desired, true)) {
            throw ScimError.badRequest("mutability", "a user cannot be created inactive: Kit has no inactive-but-subscribed"
                    + " state, and unsubscribing cannot be undone");
        }
        String account = req.account();
        Optional<MirrorRecord> known = mirror.findByEmail(account, email);
        Optional<Subscriber> inKit = known.isPresent() ? Optional.empty() : findInKit(account, email);
        String state = known.map(MirrorRecord::state).orElse(inKit.map(Subscriber::state).orElse(null));
        Long existingId = known.map(MirrorRecord::subscriberId).orElse(inKit.map(Subscriber::id).orElse(null));
        if (state != null && SubscriberState.parse(state).isSuppressed()) {
            throw suppressed(email, state);
        }
        if (existingId != null && !records.user(account, existingId).deleted()) {
            throw new ScimError(409, "uniqueness", "a user with userName " + email + " already exists (id " + existingId + ")");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fieldsOf(desired).forEach((k, v) -> {
            if (v != null) {
                fields.put(k, v);
            }
        });
        ProvisionResult result = provision(account, email, text(desired.get(UserAttributes.GIVEN_NAME)), fields);
        records.saveUser(account, result.subscriberId(), externalId(desired), false);
        Found created = visible(account, result.subscriberId())
                .orElseThrow(() -> new ScimError(503, null, "the new user is not readable yet; retry", config.retryAfter()));
        return ScimJson.ok(201, render(req, created), location(req, created));
    }

    HttpApiResponse replace(ScimRequest req, String id) {
        Found current = find(req.account(), id);
        Map<String, JsonNode> desired = UserAttributes.empty();
        UserAttributes.flatten(req.bodyObject(), "", desired);
        return ScimJson.ok(200, render(req, apply(req, current, desired)));
    }

    HttpApiResponse patch(ScimRequest req, String id) {
        Found current = find(req.account(), id);
        Map<String, JsonNode> desired = flat(current);
        for (ScimPatch.Op op : ScimPatch.operations(req.bodyObject())) {
            if (op.path() == null) {
                if (op.kind() == ScimPatch.Kind.REMOVE) {
                    throw ScimError.badRequest("noTarget", "a remove operation needs a path");
                }
                if (op.value() == null || !op.value().isObject()) {
                    throw ScimError.badRequest("invalidValue", "an operation without a path needs an object value");
                }
                UserAttributes.flatten(op.value(), "", desired);
            } else {
                String key = UserAttributes.canonical(op.path());
                if (op.kind() == ScimPatch.Kind.REMOVE) {
                    UserAttributes.remove(key, desired);
                } else {
                    UserAttributes.put(key, op.value(), desired);
                }
            }
        }
        return ScimJson.ok(200, render(req, apply(req, current, desired)));
    }

    HttpApiResponse delete(ScimRequest req, String id) {
        Found current = find(req.account(), id);
        deprovision.deprovision(new DeprovisionRequest(req.account(), null, current.record().subscriberId(), false, false));
        records.saveUser(req.account(), current.record().subscriberId(), current.meta().externalId(), true);
        return ScimJson.noContent();
    }

    /** Brings Kit to {@code desired}: attribute changes through provision, deactivation through deprovision. */
    private Found apply(ScimRequest req, Found current, Map<String, JsonNode> desired) {
        String account = req.account();
        MirrorRecord r = current.record();
        String email = email(desired, r.email());
        boolean active = isActive(r);
        if (!email.equals(MirrorStore.normalizeEmail(r.email()))) {
            if (!active) {
                throw ScimError.badRequest("mutability", "user " + r.subscriberId() + " is " + r.state() + " in Kit;"
                        + " an unsubscribed person's address is no longer changed through kitbridge");
            }
            r = changeEmail(account, r, email);
        }
        boolean wantActive = activeOf(desired, active);
        if (wantActive && !active) {
            throw suppressed(email, r.state());
        }
        String firstName = text(desired.get(UserAttributes.GIVEN_NAME));
        Map<String, String> fieldChanges = new LinkedHashMap<>();
        Map<String, String> currentFields = r.fields() == null ? Map.of() : r.fields();
        fieldsOf(desired).forEach((key, value) -> {
            String before = currentFields.get(key);
            if (!Objects.equals(emptyToNull(before), emptyToNull(value))) {
                fieldChanges.put(key, value);
            }
        });
        boolean nameChanged = firstName != null && !firstName.equals(r.firstName());
        if (nameChanged || !fieldChanges.isEmpty()) {
            if (!active) {
                throw ScimError.badRequest("mutability", "user " + r.subscriberId() + " is " + r.state() + " in Kit;"
                        + " an unsubscribed person's attributes are no longer changed through kitbridge");
            }
            provision(account, email, nameChanged ? firstName : null, fieldChanges);
        }
        String externalId = externalId(desired);
        if (!Objects.equals(externalId, current.meta().externalId()) || current.meta().created() == null) {
            records.saveUser(account, r.subscriberId(), externalId, false);
        }
        if (!wantActive && active) {
            deprovision.deprovision(new DeprovisionRequest(account, null, r.subscriberId(), false, false));
        }
        long id = r.subscriberId();
        return visible(account, id).orElseThrow(() -> ScimError.notFound("User " + id + " not found"));
    }

    /**
     * A new userName: Kit's PUT /v4/subscribers/{id} moves the address (Kit refuses one that is taken), then the mirror
     * record follows (compare-and-set, keeping its tags) and the change is audited.
     */
    private MirrorRecord changeEmail(String account, MirrorRecord r, String email) {
        Optional<MirrorRecord> holder = mirror.findByEmail(account, email).filter(o -> o.subscriberId() != r.subscriberId());
        if (holder.isPresent()) {
            throw new ScimError(409, "uniqueness", "another user (id " + holder.get().subscriberId() + ") has userName " + email);
        }
        kit.call(KitCall.interactive(account, "change subscriber email", true, budgetConfig.interactiveMaxWait()),
                api -> api.updateSubscriber(account, r.subscriberId(), new SubscriberUpdate(email, null, null)));
        // the new address as Kit confirmed it now, merged by the ordering rule (guards: the record was rebuilt by
        // hand, which dropped every tag's observation time, so an older webhook could undo a newer tag change)
        long now = clock.millis();
        MirrorMerge.Result moved;
        try {
            moved = mirror.merge(account, r.subscriberId(), Optional.of(r), current -> new MirrorObservation(account,
                    r.subscriberId(), new MirrorObservation.Profile(now, email, current.firstName(), current.state(), null),
                    Map.of(), 0, MirrorRecord.SOURCE_SCIM, null, true));
        } catch (MirrorStore.ConcurrentMirrorWrites busy) {
            throw new ScimError(503, null, "the user changed concurrently; retry", config.retryAfter());
        }
        mirror.audit(account, new AuditEntry(null, "scim.email", email, r.subscriberId(), "changed", "scim",
                Map.of("email", r.email()), Map.of("email", email), null));
        return moved.write() ? moved.record() : mirror.get(account, r.subscriberId()).orElse(r);
    }

    private ProvisionResult provision(String account, String email, String firstName, Map<String, String> fields) {
        ObjectNode input = ScimJson.object();
        input.put("account", account);
        input.put("email", email);
        if (firstName != null) {
            input.put("firstName", firstName);
        }
        if (!fields.isEmpty()) {
            ObjectNode f = input.putObject("fields");
            fields.forEach(f::put);
        }
        ProvisionOutput out;
        try {
            out = provision.provision(input);
        } catch (io.kitbridge.common.KitbridgeException e) {
            if ("UnknownCustomFields".equals(e.errorType())) {
                throw ScimError.badRequest("invalidValue", unknownFieldDetail(e.getMessage()));
            }
            throw e;
        }
        ProvisionResult result = out.person();
        if (ProvisionResult.SUPPRESSED.equals(result.outcome())) {
            throw suppressed(email, result.state());
        }
        return result;
    }

    /** Kit custom fields of the mapped attributes present in {@code desired} (null: clear the field). */
    private Map<String, String> fieldsOf(Map<String, JsonNode> desired) {
        Map<String, String> out = new LinkedHashMap<>();
        attributeMap.entries().forEach((key, entry) -> {
            JsonNode value = desired.get(key);
            if (value != null && (value.isContainerNode())) {
                throw ScimError.badRequest("invalidValue", "attribute " + entry.scimPath() + " must be a single value"
                        + " (it is stored in Kit custom field " + entry.kitKey() + ")");
            }
            out.put(entry.kitKey(), value == null || value.isNull() ? null : value.asText());
        });
        return out;
    }

    private String unknownFieldDetail(String message) {
        List<String> named = new ArrayList<>();
        attributeMap.entries().values().forEach(e -> {
            if (message.contains(e.kitKey())) {
                named.add(e.scimPath() + " → " + e.kitKey());
            }
        });
        return "Kit has no custom field for " + named + " (kitbridge.scim.attribute-map); create the field in Kit or fix"
                + " the map. Nothing was written.";
    }

    private Optional<Subscriber> findInKit(String account, String email) {
        return kit.call(KitCall.interactive(account, "find subscriber by email", true, budgetConfig.interactiveMaxWait()),
                api -> api.findSubscribersByEmail(account, email))
                .items().stream().filter(s -> email.equals(MirrorStore.normalizeEmail(s.emailAddress()))).findFirst();
    }

    private static ScimError suppressed(String email, String state) {
        return ScimError.badRequest("mutability", email + " is '" + state + "' in Kit (unsubscribed, bounced or"
                + " complained): Kit cannot re-activate a subscriber through its API, only the person can re-subscribe."
                + " Nothing was written.");
    }

    private static String email(Map<String, JsonNode> desired, String fallback) {
        JsonNode userName = desired.get(UserAttributes.USER_NAME);
        String raw = userName == null || userName.isNull() ? fallback : userName.asText();
        if (raw == null) {
            throw ScimError.badRequest("invalidValue", "userName is required (the person's email address)");
        }
        String email;
        try {
            email = EmailAddress.normalize("userName", raw);
        } catch (InvalidInputException bad) {
            throw ScimError.badRequest("invalidValue", bad.getMessage() + " (kitbridge uses the email address as userName)");
        }
        JsonNode work = desired.get(UserAttributes.EMAIL);
        String workEmail = work == null || work.isNull() ? null : MirrorStore.normalizeEmail(work.asText());
        // a PATCH of userName alone leaves the old address in emails: it follows userName
        boolean unchangedWork = workEmail != null && workEmail.equals(MirrorStore.normalizeEmail(fallback));
        if (workEmail != null && !unchangedWork && !email.equals(workEmail)) {
            throw ScimError.badRequest("mutability", "emails[primary].value (" + work.asText() + ") differs from userName ("
                    + email + "): a Kit subscriber has exactly one address, and it is the userName");
        }
        return email;
    }

    private static boolean activeOf(Map<String, JsonNode> desired, boolean fallback) {
        JsonNode v = desired.get(UserAttributes.ACTIVE);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        // Entra ID sends booleans as strings ("False")
        if (v.isTextual() && ("true".equalsIgnoreCase(v.asText().trim()) || "false".equalsIgnoreCase(v.asText().trim()))) {
            return Boolean.parseBoolean(v.asText().trim().toLowerCase(Locale.ROOT));
        }
        throw ScimError.badRequest("invalidValue", "active must be true or false");
    }

    private static String externalId(Map<String, JsonNode> desired) {
        JsonNode v = desired.get(UserAttributes.EXTERNAL_ID);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().length() > MAX_EXTERNAL_ID) {
            throw ScimError.badRequest("invalidValue", "externalId must be a string of at most " + MAX_EXTERNAL_ID + " characters");
        }
        return v.asText();
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw ScimError.badRequest("invalidValue", "name.givenName must be a string");
        }
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static boolean isActive(MirrorRecord r) {
        return SubscriberState.parse(r.state()) == SubscriberState.ACTIVE;
    }

    static Optional<Long> parseId(String id) {
        if (id == null || !id.matches("\\d{1,18}")) {
            return Optional.empty();
        }
        long v = Long.parseLong(id);
        return v > 0 ? Optional.of(v) : Optional.empty();
    }

    // ---------------------------------------------------------------- representation

    /** The current user as flat attributes, the starting point of a PATCH. */
    private Map<String, JsonNode> flat(Found f) {
        Map<String, JsonNode> out = UserAttributes.empty();
        UserAttributes.flatten(render(null, f), "", out);
        return out;
    }

    ObjectNode render(ScimRequest req, Found f) {
        MirrorRecord r = f.record();
        ObjectNode user = ScimJson.object();
        ArrayNode schemas = user.putArray("schemas").add(ScimJson.USER_SCHEMA);
        user.put("id", Long.toString(r.subscriberId()));
        if (f.meta().externalId() != null) {
            user.put("externalId", f.meta().externalId());
        }
        user.put("userName", r.email());
        ObjectNode name = user.putObject("name");
        if (r.firstName() != null) {
            name.put("givenName", r.firstName());
        }
        ArrayNode emails = user.putArray("emails");
        emails.addObject().put("value", r.email()).put("type", "work").put("primary", true);
        user.set("active", BooleanNode.valueOf(isActive(r)));
        Map<String, String> fields = r.fields() == null ? Map.of() : r.fields();
        attributeMap.entries().values().forEach(e -> {
            String value = fields.get(e.kitKey());
            if (value == null || value.isEmpty()) {
                return;
            }
            String path = e.scimPath();
            if (path.toLowerCase(Locale.ROOT).startsWith("urn:")) {
                int colon = path.lastIndexOf(':');
                String schema = path.substring(0, colon);
                ObjectNode ext = user.has(schema) ? (ObjectNode) user.get(schema) : user.putObject(schema);
                ext.set(path.substring(colon + 1), TextNode.valueOf(value));
                if (!schemasContain(schemas, schema)) {
                    schemas.add(schema);
                }
            } else if (path.contains(".")) {
                String parent = path.substring(0, path.indexOf('.'));
                ObjectNode obj = user.has(parent) && user.get(parent).isObject() ? (ObjectNode) user.get(parent) : user.putObject(parent);
                obj.put(path.substring(path.indexOf('.') + 1), value);
            } else {
                user.put(path, value);
            }
        });
        if (name.isEmpty()) {
            user.remove("name");
        }
        ObjectNode meta = user.putObject("meta");
        meta.put("resourceType", "User");
        String updated = Instant.ofEpochMilli(r.updatedAt()).toString();
        meta.put("created", f.meta().created() != null ? f.meta().created() : updated);
        String scimModified = f.meta().lastModified();
        meta.put("lastModified", scimModified != null && scimModified.compareTo(updated) > 0 ? scimModified : updated);
        if (req != null) {
            meta.put("location", location(req, f));
        }
        return user;
    }

    private static boolean schemasContain(ArrayNode schemas, String schema) {
        for (JsonNode s : schemas) {
            if (s.asText().equalsIgnoreCase(schema)) {
                return true;
            }
        }
        return false;
    }

    private static String location(ScimRequest req, Found f) {
        return req.baseUrl() + "/Users/" + f.record().subscriberId();
    }
}
