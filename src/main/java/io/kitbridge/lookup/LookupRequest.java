package io.kitbridge.lookup;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** {"account": "default", "email": "..."} or {"account": "...", "subscriberId": 123}, optionally "history": true. */
@RegisterForReflection
public record LookupRequest(String account, String email, Long subscriberId, Boolean history, Integer historyLimit) {
}
