package io.kitbridge.provision;

import java.util.List;

/**
 * A parsed provision input: one person ({@code person}), or a batch ({@code people}, in input order) in which a
 * person that failed validation is refused alone and the rest go on.
 */
record ProvisionRequest(String account, PersonSpec person, List<Entry> people) {

    static ProvisionRequest one(String account, PersonSpec person) {
        return new ProvisionRequest(account, person, null);
    }

    static ProvisionRequest batch(String account, List<Entry> people) {
        return new ProvisionRequest(account, null, List.copyOf(people));
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
