package io.kitbridge.provision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A staged batch (provision with {@code "stage": true}): its id, how many people and chunks were stored, until when
 * they are kept, and {@code start}, the small input that starts a provision-batch execution with them.
 */
@RegisterForReflection
public record StagedBatch(String batch, int people, int chunks, String expiresAt, ObjectNode start) {
}
