package io.kitbridge.common;

/** Fired after every function invocation: the moment to flush per-invocation metrics (Lambda may freeze after). */
public final class InvocationEnded {
    static final InvocationEnded INSTANCE = new InvocationEnded();

    private InvocationEnded() {
    }
}
