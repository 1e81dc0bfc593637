package io.kitbridge.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Compact, column-oriented account data. Subscribers live in parallel arrays indexed by "slot"; slots are in
 * ascending id order (ids only ever grow and nothing is hard-deleted), so id lookups are binary searches and id
 * pagination is positional. Callers hold {@link #rw} (read for queries, write for mutations).
 */
final class SimStore {
    static final byte ACTIVE = 0;
    static final byte INACTIVE = 1;
    static final byte BOUNCED = 2;
    static final byte COMPLAINED = 3;
    static final byte CANCELLED = 4;
    static final String[] STATE_NAMES = {"active", "inactive", "bounced", "complained", "cancelled"};

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final long FIRST_SUBSCRIBER_ID = 2_100_000_001L;
    static final long FIRST_TAG_ID = 4_100_001L;
    static final long FIRST_FIELD_ID = 700_001L;

    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();

    int n;
    long[] ids;
    String[] emails;
    String[] firstNames;
    byte[] states;
    long[] createdSec;
    long[] updatedMs;
    String[][] fieldVals;
    long[][] tagPairs;
    HashMap<String, Integer> emailIndex;
    long nextSubscriberId;

    private long createdGen;
    private long updatedGen;
    private int[] createdSorted;
    private long createdSortedGen = -1;
    private int[] updatedSorted;
    private long updatedSortedGen = -1;

    static final class Tag {
        final long id;
        final String name;
        final long createdSec;
        final TreeSet<Long> members = new TreeSet<>();

        Tag(long id, String name, long createdSec) {
            this.id = id;
            this.name = name;
            this.createdSec = createdSec;
        }
    }

    static final class FieldDef {
        final long id;
        final String key;
        final String label;
        final int index;

        FieldDef(long id, String key, String label, int index) {
            this.id = id;
            this.key = key;
            this.label = label;
            this.index = index;
        }

        String name() {
            return "ck_field_" + id + "_" + key;
        }
    }

    final TreeMap<Long, Tag> tagsById = new TreeMap<>();
    final HashMap<String, Tag> tagsByLowerName = new HashMap<>();
    long nextTagId;
    final ArrayList<FieldDef> fieldDefs = new ArrayList<>();
    final HashMap<String, FieldDef> fieldsByKey = new HashMap<>();
    long nextFieldId;

    SimStore() {
        clear(1024);
    }

    void clear(int capacity) {
        capacity = Math.max(16, capacity);
        n = 0;
        ids = new long[capacity];
        emails = new String[capacity];
        firstNames = new String[capacity];
        states = new byte[capacity];
        createdSec = new long[capacity];
        updatedMs = new long[capacity];
        fieldVals = new String[capacity][];
        tagPairs = new long[capacity][];
        emailIndex = new HashMap<>(Math.max(16, (int) (capacity / 0.75f) + 1));
        nextSubscriberId = FIRST_SUBSCRIBER_ID;
        tagsById.clear();
        tagsByLowerName.clear();
        nextTagId = FIRST_TAG_ID;
        fieldDefs.clear();
        fieldsByKey.clear();
        nextFieldId = FIRST_FIELD_ID;
        createdGen++;
        updatedGen++;
        createdSorted = null;
        updatedSorted = null;
    }

    static byte stateCode(String s) {
        for (int i = 0; i < STATE_NAMES.length; i++) {
            if (STATE_NAMES[i].equalsIgnoreCase(s)) {
                return (byte) i;
            }
        }
        return -1;
    }

    static String lower(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- subscribers

    int slotOf(long id) {
        int s = Arrays.binarySearch(ids, 0, n, id);
        return s >= 0 ? s : -1;
    }

    int slotOfEmail(String email) {
        if (email == null) {
            return -1;
        }
        Integer s = emailIndex.get(lower(email));
        return s == null ? -1 : s;
    }

    private void ensureCapacity(int min) {
        if (min <= ids.length) {
            return;
        }
        int cap = Math.max(min, ids.length + (ids.length >> 1));
        ids = Arrays.copyOf(ids, cap);
        emails = Arrays.copyOf(emails, cap);
        firstNames = Arrays.copyOf(firstNames, cap);
        states = Arrays.copyOf(states, cap);
        createdSec = Arrays.copyOf(createdSec, cap);
        updatedMs = Arrays.copyOf(updatedMs, cap);
        fieldVals = Arrays.copyOf(fieldVals, cap);
        tagPairs = Arrays.copyOf(tagPairs, cap);
    }

    int addSubscriber(long id, String email, String firstName, byte state, long created, long updated) {
        if (n > 0 && id <= ids[n - 1]) {
            throw new IllegalStateException("ids must ascend");
        }
        ensureCapacity(n + 1);
        int s = n++;
        ids[s] = id;
        emails[s] = email;
        firstNames[s] = firstName;
        states[s] = state;
        createdSec[s] = created;
        updatedMs[s] = updated;
        String key = lower(email);
        emailIndex.put(key.equals(email) ? email : key, s);
        nextSubscriberId = Math.max(nextSubscriberId, id + 1);
        createdGen++;
        updatedGen++;
        return s;
    }

    int addSubscriber(String email, String firstName, byte state, long created, long updated) {
        return addSubscriber(nextSubscriberId, email, firstName, state, created, updated);
    }

    void touch(int slot, long nowMs) {
        updatedMs[slot] = nowMs;
        updatedGen++;
    }

    void changeEmail(int slot, String email) {
        emailIndex.remove(lower(emails[slot]));
        emails[slot] = email;
        String key = lower(email);
        emailIndex.put(key.equals(email) ? email : key, slot);
    }

    String field(int slot, int index) {
        String[] v = fieldVals[slot];
        return v == null || index >= v.length ? null : v[index];
    }

    /** @return the previous value */
    String setField(int slot, int index, String value) {
        String[] v = fieldVals[slot];
        String old = v == null || index >= v.length ? null : v[index];
        if (value == null && (v == null || index >= v.length)) {
            return old;
        }
        if (v == null) {
            v = new String[Math.max(index + 1, fieldDefs.size())];
            fieldVals[slot] = v;
        } else if (index >= v.length) {
            v = Arrays.copyOf(v, Math.max(index + 1, fieldDefs.size()));
            fieldVals[slot] = v;
        }
        v[index] = value;
        return old;
    }

    long taggedAt(int slot, long tagId) {
        long[] p = tagPairs[slot];
        if (p != null) {
            for (int i = 0; i < p.length; i += 2) {
                if (p[i] == tagId) {
                    return p[i + 1];
                }
            }
        }
        return -1;
    }

    boolean addTag(int slot, Tag tag, long taggedSec) {
        if (taggedAt(slot, tag.id) >= 0) {
            return false;
        }
        long[] p = tagPairs[slot];
        long[] q = p == null ? new long[2] : Arrays.copyOf(p, p.length + 2);
        q[q.length - 2] = tag.id;
        q[q.length - 1] = taggedSec;
        tagPairs[slot] = q;
        tag.members.add(ids[slot]);
        return true;
    }

    /** Seeding fast path: record the tagging on the subscriber only; members are bulk-built afterwards. */
    boolean addTagPairOnly(int slot, long tagId, long taggedSec) {
        if (taggedAt(slot, tagId) >= 0) {
            return false;
        }
        long[] p = tagPairs[slot];
        long[] q = p == null ? new long[2] : Arrays.copyOf(p, p.length + 2);
        q[q.length - 2] = tagId;
        q[q.length - 1] = taggedSec;
        tagPairs[slot] = q;
        return true;
    }

    /** Bulk-load ascending ids into an empty member set in O(n) (TreeMap.buildFromSorted). */
    static void loadSortedMembers(Tag tag, long[] ascendingIds, int size) {
        tag.members.addAll(new SortedLongView(ascendingIds, size));
    }

    /** Read-only ascending view used only to feed TreeSet's linear-time bulk load. */
    private static final class SortedLongView extends java.util.AbstractSet<Long> implements java.util.SortedSet<Long> {
        private final long[] a;
        private final int size;

        SortedLongView(long[] a, int size) {
            this.a = a;
            this.size = size;
        }

        @Override
        public java.util.Iterator<Long> iterator() {
            return new java.util.Iterator<Long>() {
                int i;

                public boolean hasNext() {
                    return i < size;
                }

                public Long next() {
                    return a[i++];
                }
            };
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public java.util.Comparator<? super Long> comparator() {
            return null;
        }

        @Override
        public java.util.SortedSet<Long> subSet(Long from, Long to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.SortedSet<Long> headSet(Long to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.SortedSet<Long> tailSet(Long from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Long first() {
            return a[0];
        }

        @Override
        public Long last() {
            return a[size - 1];
        }
    }

    boolean removeTag(int slot, Tag tag) {
        long[] p = tagPairs[slot];
        if (p == null) {
            return false;
        }
        for (int i = 0; i < p.length; i += 2) {
            if (p[i] == tag.id) {
                if (p.length == 2) {
                    tagPairs[slot] = null;
                } else {
                    long[] q = new long[p.length - 2];
                    System.arraycopy(p, 0, q, 0, i);
                    System.arraycopy(p, i + 2, q, i, p.length - i - 2);
                    tagPairs[slot] = q;
                }
                tag.members.remove(ids[slot]);
                return true;
            }
        }
        return false;
    }

    /** Slots ordered by (created_at|updated_at, id) ascending; cached until the relevant data changes. */
    synchronized int[] sortedBy(boolean updated) {
        if (updated) {
            if (updatedSorted == null || updatedSortedGen != updatedGen) {
                updatedSorted = sortSlots(updatedMs);
                updatedSortedGen = updatedGen;
            }
            return updatedSorted;
        }
        if (createdSorted == null || createdSortedGen != createdGen) {
            createdSorted = sortSlots(createdSec);
            createdSortedGen = createdGen;
        }
        return createdSorted;
    }

    private int[] sortSlots(long[] values) {
        // slots ascend by id, so a stable sort by value yields (value, id) order
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Long.compare(values[a], values[b]));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- tags and fields

    Tag tag(long id) {
        return tagsById.get(id);
    }

    Tag tagByName(String name) {
        return tagsByLowerName.get(name.toLowerCase(Locale.ROOT));
    }

    Tag createTag(String name, long createdSec) {
        Tag t = new Tag(nextTagId++, name, createdSec);
        tagsById.put(t.id, t);
        tagsByLowerName.put(name.toLowerCase(Locale.ROOT), t);
        return t;
    }

    FieldDef createField(String key, String label) {
        FieldDef f = new FieldDef(nextFieldId++, key, label, fieldDefs.size());
        fieldDefs.add(f);
        fieldsByKey.put(key, f);
        return f;
    }

    // ---------------------------------------------------------------- JSON

    static String iso(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString();
    }

    ObjectNode fieldsJson(int slot) {
        ObjectNode f = NODES.objectNode();
        for (FieldDef d : fieldDefs) {
            String v = field(slot, d.index);
            if (v == null) {
                f.putNull(d.key);
            } else {
                f.put(d.key, v);
            }
        }
        return f;
    }

    ObjectNode subscriberJson(int slot) {
        ObjectNode o = NODES.objectNode();
        o.put("id", ids[slot]);
        if (firstNames[slot] == null) {
            o.putNull("first_name");
        } else {
            o.put("first_name", firstNames[slot]);
        }
        o.put("email_address", emails[slot]);
        o.put("state", STATE_NAMES[states[slot]]);
        o.put("created_at", iso(createdSec[slot]));
        o.set("fields", fieldsJson(slot));
        return o;
    }

    ObjectNode tagJson(Tag t) {
        ObjectNode o = NODES.objectNode();
        o.put("id", t.id);
        o.put("name", t.name);
        o.put("created_at", iso(t.createdSec));
        return o;
    }

    ObjectNode fieldJson(FieldDef f) {
        ObjectNode o = NODES.objectNode();
        o.put("id", f.id);
        o.put("name", f.name());
        o.put("key", f.key);
        o.put("label", f.label);
        return o;
    }
}
