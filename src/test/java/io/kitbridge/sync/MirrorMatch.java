package io.kitbridge.sync;

import io.kitbridge.sim.SimAdmin;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Compares the mirror of an account with the simulator, field by field; returns what differs (empty: identical). */
final class MirrorMatch {
    private MirrorMatch() {
    }

    static List<String> differences(SimAdmin sim, MirrorStore mirror, String account) {
        Map<Long, MirrorRecord> mirrored = new HashMap<>();
        mirror.forEachSubscriber(account, r -> mirrored.put(r.subscriberId(), r));
        Map<Long, String> tagNames = new HashMap<>();
        sim.tagIdsByName().forEach((name, id) -> tagNames.put(id, name));
        List<String> diffs = new ArrayList<>();
        List<SimSubscriber> all = sim.allSubscribers();
        for (SimSubscriber k : all) {
            MirrorRecord m = mirrored.remove(k.id());
            if (m == null) {
                add(diffs, "subscriber " + k.id() + " is not in the mirror");
                continue;
            }
            check(diffs, k.id(), "email", k.email().toLowerCase(Locale.ROOT), m.email());
            check(diffs, k.id(), "firstName", k.firstName(), m.firstName());
            check(diffs, k.id(), "state", k.state(), m.state());
            check(diffs, k.id(), "fields", k.fields(), m.fields());
            TreeSet<String> names = new TreeSet<>();
            k.tagIds().forEach(id -> names.add(tagNames.get(id)));
            check(diffs, k.id(), "tags", List.copyOf(names), m.tags());
            check(diffs, k.id(), "tagIds", new TreeSet<>(k.tagIds()), new TreeSet<>(m.tagIds()));
        }
        mirrored.values().stream().filter(r -> !MirrorRecord.STATE_MISSING.equals(r.state()))
                .forEach(r -> add(diffs, "mirror has " + r.subscriberId() + " that Kit does not (and not marked missing)"));
        return diffs;
    }

    private static void check(List<String> diffs, long id, String what, Object kit, Object mirrored) {
        if (!Objects.equals(kit, mirrored)) {
            add(diffs, id + " " + what + ": kit=" + kit + " mirror=" + mirrored);
        }
    }

    private static void add(List<String> diffs, String diff) {
        if (diffs.size() < 20) {
            diffs.add(diff);
        } else if (diffs.size() == 20) {
            diffs.add("...");
        }
    }
}
