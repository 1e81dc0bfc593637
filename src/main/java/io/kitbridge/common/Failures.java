package io.kitbridge.common;

import com.fasterxml.jackson.core.JacksonException;
import io.kitbridge.errors.ErrorTypes;
import io.kitbridge.errors.InvalidInput;
import io.kitbridge.errors.LambdaError;
import io.kitbridge.errors.Unexpected;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns whatever ended an invocation into the {@link LambdaError} a caller sees, and counts it (metric "Errors" by
 * Function and ErrorType). Funqy wraps a function's exception in its own ApplicationException, whose class would
 * otherwise become the Lambda errorType; these methods undo that on both ways a function runs:
 * <ul>
 * <li>AWS's runtime interface client (JVM): {@link KitbridgeLambdaHandler} rethrows {@link #forCaller(Throwable)};
 * the client reports the thrown class's name as errorType.</li>
 * <li>Quarkus's own poll loop (native bootstrap, and tests): it posts {@code FunctionError(e.getClass().getName(),
 * e.getMessage())}; {@link LambdaErrorResponses} rewrites it with {@link #forRuntime(String, String)}.</li>
 * </ul>
 */
public final class Failures {
    private static final Logger LOG = Logger.getLogger(Failures.class);
    private static final String FUNQY_APPLICATION_EXCEPTION = "io.quarkus.funqy.runtime.ApplicationException";
    private static final String FUNQY_INTERNAL_ERROR = "io.quarkus.funqy.runtime.InternalError";
    /** Funqy's AwsEventInputReader wraps the Jackson failure (a string or an array where an object belongs) in this. */
    private static final String FUNQY_UNREADABLE_INPUT = "Could not deserialize the provided message.";
    /** Throwable.toString() of one of our errors: "io.kitbridge.errors.Type: message". */
    private static final Pattern OURS = Pattern.compile("^(" + Pattern.quote(ErrorTypes.PACKAGE) + "[A-Za-z]+)(?:: ([\\s\\S]*))?$");
    private static final int MAX_DETAIL = 300;

    private Failures() {
    }

    /** The error for the caller; counted unless it already was (it passed the function boundary). */
    public static LambdaError forCaller(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof LambdaError counted) {
            return counted;
        }
        LambdaError error = translate(t);
        count(error);
        return error;
    }

    /** Used at the function boundary: translate and count, once. */
    public static LambdaError atBoundary(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof LambdaError already) {
            return already;
        }
        LambdaError error = translate(t);
        if (t instanceof KitbridgeException known) {
            if (ErrorTypes.isTransient(known.errorType())) {
                LOG.warnf("invocation failed: %s", known);
            } else {
                LOG.infof("invocation failed: %s", known);
            }
        }
        count(error);
        return error;
    }

    /** The {errorType, errorMessage} Quarkus's poll loop is about to post, as the caller must see it. */
    public static Reported forRuntime(String errorType, String errorMessage) {
        if (FUNQY_APPLICATION_EXCEPTION.equals(errorType) || FUNQY_INTERNAL_ERROR.equals(errorType)) {
            Matcher m = OURS.matcher(errorMessage == null ? "" : errorMessage);
            if (m.matches() && ErrorTypes.shortName(m.group(1)) != null) {
                // already translated and counted at the function boundary
                return new Reported(m.group(1), m.group(2) == null ? "" : m.group(2));
            }
        }
        if (ErrorTypes.shortName(errorType) != null) {
            return new Reported(errorType, errorMessage == null ? "" : errorMessage);
        }
        boolean unreadable = errorType != null && (errorType.startsWith("com.fasterxml.jackson.")
                || IllegalArgumentException.class.getName().equals(errorType) && FUNQY_UNREADABLE_INPUT.equals(errorMessage));
        LambdaError error = unreadable
                ? payloadError(errorMessage)
                : new Unexpected(simpleName(errorType) + ": " + detail(errorMessage));
        count(error);
        return new Reported(error.getClass().getName(), error.getMessage());
    }

    public record Reported(String errorType, String errorMessage) {
    }

    private static LambdaError translate(Throwable t) {
        if (t instanceof KitbridgeException known) {
            return ErrorTypes.of(known.errorType(), known.getMessage());
        }
        if (isPayloadError(t)) {
            return payloadError(t.getMessage());
        }
        LOG.errorf(t, "invocation failed unexpectedly: %s", t.getClass().getName());
        return new Unexpected(t.getClass().getSimpleName() + ": " + detail(t.getMessage()));
    }

    /** Funqy could not turn the payload into the function's input type (a string, an array, broken JSON). */
    private static boolean isPayloadError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JacksonException) {
                return true;
            }
        }
        return false;
    }

    private static LambdaError payloadError(String jacksonMessage) {
        return new InvalidInput("payload: is not valid input for this function; send a JSON object (" + detail(jacksonMessage) + ")");
    }

    private static Throwable unwrap(Throwable thrown) {
        Throwable t = thrown;
        while (t.getCause() != null && t.getCause() != t && (t instanceof CompletionException
                || FUNQY_APPLICATION_EXCEPTION.equals(t.getClass().getName())
                || FUNQY_INTERNAL_ERROR.equals(t.getClass().getName())
                || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        if (t instanceof SdkException store) {
            // an AWS SDK failure no service turned into its own type is DynamoDB's (Secrets Manager reads are
            // SecretUnavailable already); the one place for it, so every function reports it alike. Guards: only
            // some adapters wrapped it, and sync-page's call timeouts under a slow store came out as Unexpected
            return new KitbridgeException("StoreUnavailable", "DynamoDB failed (" + store.getClass().getSimpleName()
                    + ": " + store.getMessage() + "); every kitbridge call is idempotent, so repeating it is safe", store);
        }
        return t;
    }

    /** kitbridge/Errors by type and function; by Function alone it is what the per-function alarms subtract. */
    private static void count(LambdaError error) {
        Emf.event().dimension("Function", Emf.function()).dimension("ErrorType", error.type())
                .aggregate("Function", "ErrorType").aggregate("ErrorType").aggregate("Function")
                .metric("Errors", 1, Emf.COUNT).emit();
    }

    private static String detail(String message) {
        if (message == null) {
            return "";
        }
        String first = message.lines().findFirst().orElse("").trim();
        first = Secrets.redact(first);
        return first.length() > MAX_DETAIL ? first.substring(0, MAX_DETAIL) + "…" : first;
    }

    private static String simpleName(String className) {
        return className == null ? "Error" : className.substring(className.lastIndexOf('.') + 1);
    }
}
