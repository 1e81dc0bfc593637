package io.kitbridge.kit;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record TagCreate(String name) {
}
