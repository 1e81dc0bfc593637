package io.kitbridge.provision;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A parsed provision input: one person ({@code person}), or a batch ({@code people}, in input order) in which a
 * person that failed validation is refused alone and the rest go on. A batch continued from an earlier
 * invocation's {@code next} says where its first person stood in the original input ({@code offset}); inside a
 * provision-batch execution {@code execution} names it (results are kept under it). {@code input} is the input as
 * given, from which {@code next} is built (same flags, the remaining people).
 */
record ProvisionRequest(String account, PersonSpec person, List<Entry> people, int offset, String execution,
        JsonNode input) {

    static ProvisionRequest one(String account, PersonSpec person) {
        return new ProvisionRequest(account, person, null, 0, null, null);
    }

    static ProvisionRequest batch(String account, List<Entry> people, int offset, String execution, JsonNode input) {
        return new ProvisionRequest(account, null, List.copyOf(people), offset, execution, input);
    }

    boolean isBatch() {
        return people != null;
    }

    /** One person of a batch: parsed ({@code person}) or refused ({@code refused} says why). */
    record Entry(PersonSpec person, ProvisionResult refused) {
        static Entry valid(PersonSpec person) {
            return new Entry(person, null);
        }

        static Entry refused(ProvisionResult refused) {
            return new Entry(null, refused);
        }
    }
}
