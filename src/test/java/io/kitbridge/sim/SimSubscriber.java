package io.kitbridge.sim;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Snapshot of one simulated subscriber. {@code fields} holds every defined custom field key (value null when unset);
 * {@code updatedAt} is the simulator's internal stamp that Kit never returns in responses.
 */
public record SimSubscriber(long id, String email, String firstName, String state, Map<String, String> fields,
                            Set<Long> tagIds, Instant createdAt, Instant updatedAt) {
}
