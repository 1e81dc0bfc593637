package io.kitbridge.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.kitbridge.store.Attr;
import io.kitbridge.store.Items;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The sync items' mapping, without DynamoDB: a field the mapping forgets is a run that resumes with it reset. */
class SyncItemsTest {

    @Test
    void should_keep_every_field_of_the_run_state_when_it_goes_to_its_item_and_back() throws Exception {
        // GIVEN a state whose every field holds a value other than its default (read by reflection, so a field added
        // to SyncState later is covered without touching this test)
        SyncState given = new SyncState();
        int n = 1;
        for (Field f : stateFields()) {
            f.set(given, sample(f, n++));
        }
        // WHEN it is written to an item, stored with the version a save adds, and read back
        Map<String, AttributeValue> item = new LinkedHashMap<>(SyncItems.stateItem(given, "sync#acct", 1_234L));
        item.put(Attr.VERSION, Items.n(given.version));
        SyncState read = SyncItems.state(given.account, item);
        // THEN every field is what was written
        for (Field f : stateFields()) {
            assertEquals(f.get(given), f.get(read), f.getName());
            assertNotEquals(f.get(new SyncState()), f.get(read), f.getName() + " kept only its default");
        }
        assertEquals("sync#acct", item.get(Attr.PK).s());
        assertEquals(SyncItems.STATE, item.get(Attr.SK).s());
    }

    @Test
    void should_start_a_stored_run_from_the_tag_lists_when_its_item_has_no_tags_from() {
        // GIVEN a run state stored before include=tags existed (no tagsFrom attribute)
        SyncState old = SyncState.start("acct", "run-1", "owner", SyncMode.FULL, 1L, 0);
        Map<String, AttributeValue> item = new LinkedHashMap<>(SyncItems.stateItem(old, "sync#acct", 1L));
        item.remove("tagsFrom");
        // WHEN it is read
        SyncState read = SyncItems.state("acct", item);
        // THEN it goes on reading memberships from each tag's list, as it began
        assertEquals(SyncState.TAGS_FROM_TAG_LISTS, read.tagsFrom);
    }

    @Test
    void should_give_back_the_ids_and_the_watermark_when_their_items_are_read() {
        // GIVEN
        long[] ids = {3, 5, 8, 1_000_000_007L};
        SyncState done = SyncState.start("acct", "run-9", "owner", SyncMode.INCREMENTAL, 42L, 0);
        // WHEN / THEN
        assertArrayEquals(ids, SyncItems.ids(SyncItems.idList(ids)));
        assertEquals(Optional.of(42L), SyncItems.lastCompleteStart(SyncItems.watermark(done)));
        assertEquals("incremental", SyncItems.leaseMode(SyncItems.leaseAttributes(SyncMode.INCREMENTAL)));
    }

    @Test
    void should_document_every_counter_when_reading_the_sync_docs() throws Exception {
        // GIVEN the stats paragraph of docs/sync.md
        String docs = Files.readString(Path.of("docs/sync.md"));
        String paragraph = docs.substring(docs.indexOf("`stats` keys"), docs.indexOf("\n\n", docs.indexOf("`stats` keys")));
        // WHEN its key names are read
        Set<String> documented = new TreeSet<>();
        Matcher key = Pattern.compile("`([a-z][A-Za-z]+)`").matcher(paragraph);
        while (key.find()) {
            documented.add(key.group(1));
        }
        // THEN they are the counters a run keeps, no more and no fewer
        Set<String> counters = new TreeSet<>();
        for (SyncStat stat : SyncStat.values()) {
            counters.add(stat.key());
        }
        documented.remove("stats");
        documented.remove("tags");
        assertEquals(counters, documented);
    }

    private static List<Field> stateFields() {
        List<Field> out = new ArrayList<>();
        for (Field f : SyncState.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    /** A value of the field's type that differs from the field's default and from the other fields' values. */
    private static Object sample(Field f, int n) {
        Class<?> type = f.getType();
        if (type == String.class) {
            return f.getName() + "-" + n;
        }
        if (type == long.class) {
            return 1_000L + n;
        }
        if (type == int.class) {
            return n;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == SyncMode.class) {
            return SyncMode.INCREMENTAL;
        }
        if (type == SyncPhase.class) {
            return SyncPhase.MISSING;
        }
        Class<?> element = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
        if (type == List.class && element == Long.class) {
            return new ArrayList<>(List.of(10L + n, 20L + n));
        }
        if (type == List.class && element == Integer.class) {
            return new ArrayList<>(List.of(n, n + 1));
        }
        if (type == List.class && element == String.class) {
            return new ArrayList<>(List.of(f.getName() + "-a", f.getName() + "-b"));
        }
        if (type == Set.class && element == Integer.class) {
            return new LinkedHashSet<>(List.of(n, n + 2));
        }
        if (type == Set.class && element == String.class) {
            return new LinkedHashSet<>(List.of(f.getName() + "-x"));
        }
        if (type == Map.class) {
            return new LinkedHashMap<>(Map.of(SyncStat.WRITTEN.key(), 7L, "statOfAnotherVersion", 3L));
        }
        throw new AssertionError("no sample for " + f + ": teach this test the new field's type");
    }
}
