package io.kitbridge.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static io.kitbridge.sim.SimStore.NODES;

/**
 * Domain operations shared by the HTTP API and {@link SimAdmin}. Every mutation takes the store's write lock,
 * bumps updated_at when something changed, and publishes webhook events after the lock is released.
 */
final class SimEngine {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\"<>,;]+@[^@\\s\"<>,;]+\\.[^@\\s\"<>,;]+$");

    final SimStore store;
    final SimClock clock;
    final SimConfig config;
    final WebhookDispatcher hooks;
    /**
     * Test switch: GET /v4/subscribers answers {@code include=tags} WITHOUT the {@code tags} key on the items (as a Kit
     * that ignores the parameter would), so the product's fallback to the per-tag pass can be exercised.
     */
    volatile boolean ignoreIncludeTags;
    /**
     * Whether tagging and untagging bump the subscriber's updated_at (what updated_after filters on). Kit's documents
     * do not say (kit-v4-deltas.md is silent): true by default, false to test a Kit that does not.
     */
    volatile boolean taggingTouchesUpdatedAt = true;

    SimEngine(SimStore store, SimClock clock, SimConfig config, WebhookDispatcher hooks) {
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.hooks = hooks;
    }

    /** 422-worthy input problem. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String msg) {
            super(msg, null, false, false);
        }
    }

    /** 404. */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound() {
            super("Not Found", null, false, false);
        }
    }

    record UpsertResult(boolean created, ObjectNode subscriber, List<String> unknownFields) {
    }

    record TagResult(boolean created, ObjectNode subscriber) {
    }

    static boolean validEmail(String email) {
        return email != null && email.length() <= 254 && EMAIL.matcher(email.trim()).matches();
    }

    byte unsubscribedState() {
        return config.dialect() == Dialect.SEED ? SimStore.INACTIVE : SimStore.CANCELLED;
    }

    private void publish(List<SimEvent> events) {
        if (!events.isEmpty()) {
            hooks.publish(events);
        }
    }

    private SimEvent event(String type, int slot) {
        return new SimEvent(type, store.subscriberJson(slot), null, -1, null, clock.now());
    }

    private SimEvent tagEvent(String type, int slot, SimStore.Tag t) {
        ObjectNode tag = NODES.objectNode();
        tag.put("id", t.id);
        tag.put("name", t.name);
        return new SimEvent(type, store.subscriberJson(slot), tag, t.id, null, clock.now());
    }

    private int requireSlot(long id) {
        int s = store.slotOf(id);
        if (s < 0) {
            throw new NotFound();
        }
        return s;
    }

    /**
     * Applies known field values (null clears), collects unknown keys; emits custom_field_value_update for changes
     * when {@code emit}.
     */
    private boolean applyFields(int slot, Map<String, String> fields, List<String> unknown, List<SimEvent> events,
                                boolean emit) {
        boolean changed = false;
        if (fields == null) {
            return false;
        }
        List<String[]> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            SimStore.FieldDef d = store.fieldsByKey.get(e.getKey());
            if (d == null) {
                unknown.add(e.getKey());
                continue;
            }
            String old = store.setField(slot, d.index, e.getValue());
            if (!java.util.Objects.equals(old, e.getValue())) {
                changed = true;
                changes.add(new String[]{d.key, old, e.getValue()});
            }
        }
        if (emit && !changes.isEmpty()) {
            ObjectNode sub = store.subscriberJson(slot);
            for (String[] c : changes) {
                ObjectNode cf = NODES.objectNode();
                cf.put("key", c[0]);
                cf.put("old_value", c[1]);
                cf.put("new_value", c[2]);
                events.add(new SimEvent(SimEvent.CUSTOM_FIELD_VALUE_UPDATE, sub, null, -1, cf, clock.now()));
            }
        }
        return changed;
    }

    // ---------------------------------------------------------------- subscribers

    UpsertResult upsert(String email, boolean hasFirstName, String firstName, String state, Map<String, String> fields) {
        if (email == null || email.isBlank()) {
            throw new Invalid("Email address can't be blank");
        }
        email = email.trim();
        if (!validEmail(email)) {
            throw new Invalid("Email address is invalid");
        }
        byte st = SimStore.ACTIVE;
        if (state != null) {
            st = SimStore.stateCode(state);
            if (st != SimStore.ACTIVE && st != SimStore.INACTIVE) {
                throw new Invalid("State must be one of: active, inactive");
            }
        }
        List<SimEvent> events = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        UpsertResult result;
        store.rw.writeLock().lock();
        try {
            int slot = store.slotOfEmail(email);
            long nowMs = clock.nowMillis();
            if (slot < 0) {
                slot = store.addSubscriber(email, hasFirstName ? firstName : null, st, Math.floorDiv(nowMs, 1000L),
                        nowMs);
                applyFields(slot, fields, unknown, events, false);
                events.add(event(SimEvent.CREATE, slot));
                if (st == SimStore.ACTIVE) {
                    events.add(event(SimEvent.ACTIVATE, slot));
                }
                result = new UpsertResult(true, store.subscriberJson(slot), unknown);
            } else {
                boolean changed = false;
                if (hasFirstName && !java.util.Objects.equals(firstName, store.firstNames[slot])) {
                    store.firstNames[slot] = firstName;
                    changed = true;
                }
                // state is never changed by an upsert: nobody is re-activated through the API
                changed |= applyFields(slot, fields, unknown, events, true);
                if (changed) {
                    store.touch(slot, nowMs);
                }
                result = new UpsertResult(false, store.subscriberJson(slot), unknown);
            }
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
        return result;
    }

    UpsertResult update(long id, String email, boolean hasFirstName, String firstName, Map<String, String> fields) {
        if (email != null) {
            email = email.trim();
            if (!validEmail(email)) {
                throw new Invalid("Email address is invalid");
            }
        }
        List<SimEvent> events = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        ObjectNode json;
        store.rw.writeLock().lock();
        try {
            int slot = requireSlot(id);
            boolean changed = false;
            if (email != null && !email.equals(store.emails[slot])) {
                int other = store.slotOfEmail(email);
                if (other >= 0 && other != slot) {
                    throw new Invalid("Email address has already been taken");
                }
                store.changeEmail(slot, email);
                changed = true;
            }
            if (hasFirstName && !java.util.Objects.equals(firstName, store.firstNames[slot])) {
                store.firstNames[slot] = firstName;
                changed = true;
            }
            changed |= applyFields(slot, fields, unknown, events, true);
            if (changed) {
                store.touch(slot, clock.nowMillis());
            }
            json = store.subscriberJson(slot);
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
        return new UpsertResult(false, json, unknown);
    }

    /** Active → inactive (SEED) / cancelled (PUBLIC); other states unchanged. Tags are retained. */
    ObjectNode unsubscribe(long id) {
        List<SimEvent> events = new ArrayList<>();
        ObjectNode json;
        store.rw.writeLock().lock();
        try {
            int slot = requireSlot(id);
            if (store.states[slot] == SimStore.ACTIVE) {
                store.states[slot] = unsubscribedState();
                store.touch(slot, clock.nowMillis());
                events.add(event(SimEvent.UNSUBSCRIBE, slot));
            }
            json = store.subscriberJson(slot);
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
        return json;
    }

    void setState(long id, byte state, String eventType) {
        List<SimEvent> events = new ArrayList<>();
        store.rw.writeLock().lock();
        try {
            int slot = requireSlot(id);
            if (store.states[slot] != state) {
                store.states[slot] = state;
                store.touch(slot, clock.nowMillis());
                events.add(event(eventType, slot));
            }
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
    }

    long createSubscriberAdmin(String email, String firstName) {
        UpsertResult r = upsert(email, true, firstName, null, null);
        if (!r.created()) {
            throw new IllegalArgumentException("subscriber already exists: " + email);
        }
        return r.subscriber().get("id").asLong();
    }

    void setFieldAdmin(long id, String key, String value) {
        List<SimEvent> events = new ArrayList<>();
        store.rw.writeLock().lock();
        try {
            int slot = requireSlot(id);
            if (!store.fieldsByKey.containsKey(key)) {
                throw new IllegalArgumentException("no custom field with key " + key);
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put(key, value);
            if (applyFields(slot, m, new ArrayList<>(), events, true)) {
                store.touch(slot, clock.nowMillis());
            }
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
    }

    void changeEmailAdmin(long id, String email) {
        update(id, email, false, null, null);
    }

    void fireEvent(String type, long id) {
        String t = SimEvent.normalize(type);
        if (t == null) {
            throw new IllegalArgumentException("unknown event " + type);
        }
        List<SimEvent> events = new ArrayList<>();
        store.rw.readLock().lock();
        try {
            events.add(event(t, requireSlot(id)));
        } finally {
            store.rw.readLock().unlock();
        }
        publish(events);
    }

    // ---------------------------------------------------------------- tags

    record TagCreate(boolean created, ObjectNode tag, long id) {
    }

    TagCreate createTag(String name) {
        if (name == null || name.isBlank()) {
            throw new Invalid("Name can't be blank");
        }
        String n = name.trim();
        store.rw.writeLock().lock();
        try {
            SimStore.Tag t = store.tagByName(n);
            boolean created = false;
            if (t == null) {
                t = store.createTag(n, clock.nowSeconds());
                created = true;
            }
            return new TagCreate(created, store.tagJson(t), t.id);
        } finally {
            store.rw.writeLock().unlock();
        }
    }

    /** Tag by subscriber id (email == null) or by email. */
    TagResult tag(long tagId, long subscriberId, String email) {
        List<SimEvent> events = new ArrayList<>();
        TagResult r;
        store.rw.writeLock().lock();
        try {
            SimStore.Tag t = store.tag(tagId);
            if (t == null) {
                throw new NotFound();
            }
            int slot = email != null ? store.slotOfEmail(email.trim()) : store.slotOf(subscriberId);
            if (slot < 0) {
                throw new NotFound();
            }
            long now = clock.nowSeconds();
            boolean created = store.addTag(slot, t, now);
            if (created && taggingTouchesUpdatedAt) {
                store.touch(slot, clock.nowMillis());
            }
            if (created) {
                events.add(tagEvent(SimEvent.TAG_ADD, slot, t));
            }
            ObjectNode json = store.subscriberJson(slot);
            json.put("tagged_at", SimStore.iso(store.taggedAt(slot, t.id)));
            r = new TagResult(created, json);
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
        return r;
    }

    /** @throws NotFound when the tag or subscriber does not exist or the subscriber is not tagged */
    void untag(long tagId, long subscriberId, String email) {
        List<SimEvent> events = new ArrayList<>();
        store.rw.writeLock().lock();
        try {
            SimStore.Tag t = store.tag(tagId);
            if (t == null) {
                throw new NotFound();
            }
            int slot = email != null ? store.slotOfEmail(email.trim()) : store.slotOf(subscriberId);
            if (slot < 0 || !store.removeTag(slot, t)) {
                throw new NotFound();
            }
            if (taggingTouchesUpdatedAt) {
                store.touch(slot, clock.nowMillis());
            }
            events.add(tagEvent(SimEvent.TAG_REMOVE, slot, t));
        } finally {
            store.rw.writeLock().unlock();
        }
        publish(events);
    }

    // ---------------------------------------------------------------- custom fields

    static String keyForLabel(String label) {
        StringBuilder sb = new StringBuilder(label.length());
        for (char c : label.trim().toLowerCase(Locale.ROOT).toCharArray()) {
            sb.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return sb.toString();
    }

    ObjectNode createCustomField(String label, String explicitKey) {
        if (label == null || label.isBlank()) {
            throw new Invalid("Label can't be blank");
        }
        String key = explicitKey != null ? explicitKey : keyForLabel(label);
        store.rw.writeLock().lock();
        try {
            if (store.fieldsByKey.containsKey(key)) {
                throw new Invalid("Label has already been taken");
            }
            return store.fieldJson(store.createField(key, label.trim()));
        } finally {
            store.rw.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------- bulk

    ObjectNode bulkSubscribers(List<JsonNode> items) {
        ArrayNode ok = NODES.arrayNode();
        ArrayNode failures = NODES.arrayNode();
        for (JsonNode item : items) {
            String email = item.path("email_address").isTextual() ? item.path("email_address").asText() : null;
            boolean hasFirst = item.has("first_name");
            String first = hasFirst && !item.get("first_name").isNull() ? item.get("first_name").asText() : null;
            String state = item.path("state").isTextual() ? item.path("state").asText() : null;
            try {
                ok.add(upsert(email, hasFirst, first, state, null).subscriber());
            } catch (Invalid e) {
                ObjectNode f = item.isObject() ? ((ObjectNode) item).deepCopy() : NODES.objectNode();
                f.putArray("errors").add(e.getMessage());
                failures.add(f);
            }
        }
        ObjectNode out = NODES.objectNode();
        out.set("subscribers", ok);
        out.set("failures", failures);
        return out;
    }

    ObjectNode bulkTaggings(List<JsonNode> items, boolean add) {
        ArrayNode ok = NODES.arrayNode();
        ArrayNode failures = NODES.arrayNode();
        for (JsonNode item : items) {
            long tagId = item.path("tag_id").asLong(-1);
            long subId = item.path("subscriber_id").asLong(-1);
            try {
                ObjectNode r = NODES.objectNode();
                r.put("tag_id", tagId);
                r.put("subscriber_id", subId);
                if (add) {
                    TagResult tr = tag(tagId, subId, null);
                    r.put("tagged_at", tr.subscriber().get("tagged_at").asText());
                } else {
                    try {
                        untag(tagId, subId, null);
                    } catch (NotFound nf) {
                        // removing an absent tagging is idempotent; unknown tag or subscriber is a failure
                        store.rw.readLock().lock();
                        try {
                            if (store.tag(tagId) == null) {
                                throw new Invalid("Tag not found");
                            }
                            if (store.slotOf(subId) < 0) {
                                throw new Invalid("Subscriber not found");
                            }
                        } finally {
                            store.rw.readLock().unlock();
                        }
                    }
                }
                ok.add(r);
            } catch (NotFound e) {
                ObjectNode f = NODES.objectNode();
                f.put("tag_id", tagId);
                f.put("subscriber_id", subId);
                boolean tagMissing;
                store.rw.readLock().lock();
                try {
                    tagMissing = store.tag(tagId) == null;
                } finally {
                    store.rw.readLock().unlock();
                }
                f.putArray("errors").add(tagMissing ? "Tag not found" : "Subscriber not found");
                failures.add(f);
            } catch (Invalid e) {
                ObjectNode f = NODES.objectNode();
                f.put("tag_id", tagId);
                f.put("subscriber_id", subId);
                f.putArray("errors").add(e.getMessage());
                failures.add(f);
            }
        }
        ObjectNode out = NODES.objectNode();
        out.set("taggings", ok);
        out.set("failures", failures);
        return out;
    }

    // ---------------------------------------------------------------- seeding

    private static final String[] FIRST_NAMES = {"Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara",
        "Ken", "Frances", "John", "Radia", "Edsger", "Hedy", "Tim", "Katherine", "Donald", "Sophie", "Guido",
        "Anita", "Bjarne", "Jean", "Niklaus", "Shafi", "Leslie", "Mary", "James", "Lynn", "Butler", "Karen", "Ivan",
        "Adele", "Whitfield", "Joan", "Vint", "Carol", "Bob", "Annie", "Martin", "Elena", "Yukihiro"};
    private static final String[] DOMAINS = {"example.com", "example.org", "example.net", "mail.example.com"};
    private static final long SEED_EPOCH = 1_577_836_800L; // 2020-01-01T00:00:00Z
    private static final long SEED_END = 1_748_736_000L; // 2025-06-01T00:00:00Z: fixed so seeding is deterministic

    void seed(SeedSpec spec) {
        store.rw.writeLock().lock();
        try {
            int n = spec.subscribers();
            store.clear(n + 1024);
            SplittableRandom rnd = new SplittableRandom(spec.seed());
            long now = SEED_END;
            long span = now - 86_400L - SEED_EPOCH;
            for (String key : spec.customFieldKeys()) {
                if (!store.fieldsByKey.containsKey(key)) {
                    store.createField(key, labelFor(key));
                }
            }
            int fieldCount = store.fieldDefs.size();
            String[][] valuePool = new String[fieldCount][];
            for (int f = 0; f < fieldCount; f++) {
                String k = store.fieldDefs.get(f).key;
                valuePool[f] = new String[12];
                for (int v = 0; v < valuePool[f].length; v++) {
                    valuePool[f][v] = k + "-" + (v + 1);
                }
            }
            SimStore.Tag[] tags = new SimStore.Tag[spec.tags()];
            int width = Math.max(2, Integer.toString(spec.tags()).length());
            for (int i = 0; i < tags.length; i++) {
                tags[i] = store.createTag("tag-" + pad(i + 1, width), SEED_EPOCH);
            }
            byte unsub = unsubscribedState();
            int emailWidth = Math.max(7, Integer.toString(n).length());
            double step = (double) span / Math.max(1, n);
            long id = SimStore.FIRST_SUBSCRIBER_ID;
            long[][] members = new long[tags.length][];
            int[] memberCount = new int[tags.length];
            for (int t = 0; t < tags.length; t++) {
                members[t] = new long[Math.max(16, (int) ((long) n * 3 / 2 / tags.length) + 16)];
            }
            StringBuilder sb = new StringBuilder(40);
            for (int i = 0; i < n; i++) {
                id += 1 + rnd.nextInt(3);
                boolean mixedCase = rnd.nextInt(50) == 0;
                sb.setLength(0);
                sb.append(mixedCase ? "Sub" : "sub");
                appendPadded(sb, i + 1, emailWidth);
                sb.append('@');
                String domain = DOMAINS[rnd.nextInt(DOMAINS.length)];
                sb.append(mixedCase ? Character.toUpperCase(domain.charAt(0)) + domain.substring(1) : domain);
                String firstName = rnd.nextInt(10) == 0 ? null : FIRST_NAMES[rnd.nextInt(FIRST_NAMES.length)];
                int r = rnd.nextInt(100);
                byte state = r < 85 ? SimStore.ACTIVE : r < 92 ? unsub : r < 96 ? SimStore.BOUNCED
                        : SimStore.COMPLAINED;
                long base = SEED_EPOCH + (long) (i * step);
                long created = base + (step >= 2 ? rnd.nextLong((long) step) : 0);
                long maxUpd = Math.max(1L, Math.min(30L * 86_400L, now - created));
                long updatedMs = (created + rnd.nextLong(maxUpd)) * 1000L + rnd.nextInt(1000);
                int slot = store.addSubscriber(id, sb.toString(), firstName, state, created, updatedMs);
                for (int f = 0; f < fieldCount; f++) {
                    if (rnd.nextInt(100) < 30) {
                        store.setField(slot, f, valuePool[f][rnd.nextInt(valuePool[f].length)]);
                    }
                }
                if (tags.length > 0) {
                    int k = rnd.nextInt(4);
                    for (int j = 0; j < k; j++) {
                        int t = rnd.nextInt(tags.length);
                        if (store.addTagPairOnly(slot, tags[t].id, created + rnd.nextLong(maxUpd))) {
                            if (memberCount[t] == members[t].length) {
                                members[t] = java.util.Arrays.copyOf(members[t], members[t].length * 2);
                            }
                            members[t][memberCount[t]++] = id;
                        }
                    }
                }
            }
            for (int t = 0; t < tags.length; t++) {
                SimStore.loadSortedMembers(tags[t], members[t], memberCount[t]);
                members[t] = null;
            }
        } finally {
            store.rw.writeLock().unlock();
        }
    }

    static String labelFor(String key) {
        String s = key.replace('_', ' ').trim();
        return s.isEmpty() ? key : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String pad(int v, int width) {
        StringBuilder sb = new StringBuilder();
        appendPadded(sb, v, width);
        return sb.toString();
    }

    private static void appendPadded(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    // ---------------------------------------------------------------- snapshots

    SimSubscriber snapshot(int slot) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (SimStore.FieldDef d : store.fieldDefs) {
            fields.put(d.key, store.field(slot, d.index));
        }
        java.util.Set<Long> tagIds = new java.util.TreeSet<>();
        long[] p = store.tagPairs[slot];
        if (p != null) {
            for (int i = 0; i < p.length; i += 2) {
                tagIds.add(p[i]);
            }
        }
        return new SimSubscriber(store.ids[slot], store.emails[slot], store.firstNames[slot],
                SimStore.STATE_NAMES[store.states[slot]], java.util.Collections.unmodifiableMap(fields),
                java.util.Collections.unmodifiableSet(tagIds), Instant.ofEpochSecond(store.createdSec[slot]),
                Instant.ofEpochMilli(store.updatedMs[slot]));
    }
}
