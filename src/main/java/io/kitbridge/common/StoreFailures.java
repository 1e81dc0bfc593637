package io.kitbridge.common;

import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns a DynamoDB failure into a typed, actionable error instead of an SDK stack trace. */
public final class StoreFailures {
    private StoreFailures() {
    }

    public static <T> T guard(Supplier<T> work) {
        try {
            return work.get();
        } catch (SdkException e) {
            throw new KitbridgeException("StoreUnavailable", "DynamoDB failed (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); every kitbridge call is idempotent, so repeating it is safe", e);
        }
    }
}
