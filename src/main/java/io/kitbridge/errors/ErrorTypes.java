package io.kitbridge.errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The documented error types, by name; what a caller can branch on. */
public final class ErrorTypes {
    public static final String PACKAGE = "io.kitbridge.errors.";
    public static final String UNEXPECTED = "Unexpected";
    public static final String INVALID_INPUT = "InvalidInput";

    /** Repeating the same call later may succeed: the sync state machine retries these, and alarms watch them. */
    public static final Set<String> TRANSIENT = Set.of("KitUnavailable", "StoreUnavailable", "SecretUnavailable",
            "KitRateLimited", "RateBudgetExhausted", UNEXPECTED);

    private static final Map<String, Function<String, LambdaError>> BY_NAME = new LinkedHashMap<>();

    static {
        add(InvalidInput::new);
        add(UnknownCustomFields::new);
        add(UnknownTags::new);
        add(NotFound::new);
        add(DeprovisionLimitExceeded::new);
        add(DeprovisionUnconfirmed::new);
        add(DeprovisionIncomplete::new);
        add(WebhookEventsRefused::new);
        add(AccountDisconnected::new);
        add(AccountTokenExpired::new);
        add(KitRejected::new);
        add(KitNotFound::new);
        add(KitForbidden::new);
        add(KitPayloadTooLarge::new);
        add(KitRateLimited::new);
        add(RateBudgetExhausted::new);
        add(KitUnavailable::new);
        add(KitProtocolError::new);
        add(StoreUnavailable::new);
        add(SecretUnavailable::new);
        add(OAuthNotConfigured::new);
        add(Config::new);
        add(SyncDataExpired::new);
        add(SyncSkipped::new);
        add(Unexpected::new);
    }

    private ErrorTypes() {
    }

    private static void add(Function<String, LambdaError> factory) {
        BY_NAME.put(factory.apply("").type(), factory);
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    public static boolean isKnown(String type) {
        return BY_NAME.containsKey(type);
    }

    public static boolean isTransient(String type) {
        return TRANSIENT.contains(type);
    }

    /** The exception a caller sees for this type; an undocumented type becomes Unexpected, its name kept in the text. */
    public static LambdaError of(String type, String message) {
        Function<String, LambdaError> factory = BY_NAME.get(type);
        return factory != null ? factory.apply(message) : new Unexpected(type + ": " + message);
    }

    /** {@code io.kitbridge.errors.<type>}: the Lambda errorType. */
    public static String qualified(String type) {
        return PACKAGE + type;
    }

    /** The short name of a qualified errorType, or null when it is not one of ours. */
    public static String shortName(String errorType) {
        if (errorType == null || !errorType.startsWith(PACKAGE)) {
            return null;
        }
        String name = errorType.substring(PACKAGE.length());
        return isKnown(name) ? name : null;
    }
}
