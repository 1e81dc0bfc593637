package io.kitbridge.sim;

import java.util.List;
import java.util.Objects;

/**
 * What {@link SimAdmin#seed(SeedSpec)} generates. Same spec, same data.
 *
 * @param subscribers     number of subscribers (mixed states: ~85% active, ~7% inactive (SEED) or cancelled (PUBLIC),
 *                        ~4% bounced, ~4% complained)
 * @param tags            number of tags, named "tag-01".."tag-NN"
 * @param customFieldKeys custom field keys to define (some subscribers get values)
 * @param seed            random seed
 */
public record SeedSpec(int subscribers, int tags, List<String> customFieldKeys, long seed) {
    public SeedSpec {
        if (subscribers < 0 || tags < 0) {
            throw new IllegalArgumentException("counts must be >= 0");
        }
        customFieldKeys = List.copyOf(Objects.requireNonNull(customFieldKeys, "customFieldKeys"));
    }

    /** {@code n} subscribers, 10 tags, fields company/plan/role, seed 42. */
    public static SeedSpec of(int subscribers) {
        return new SeedSpec(subscribers, 10, List.of("company", "plan", "role"), 42L);
    }
}
