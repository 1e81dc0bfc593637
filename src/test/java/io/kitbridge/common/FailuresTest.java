package io.kitbridge.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kitbridge.errors.InvalidInput;
import io.kitbridge.errors.KitUnavailable;
import io.kitbridge.errors.Unexpected;
import org.junit.jupiter.api.Test;

/** What the two runtime paths turn a failure into (see {@link Failures}). */
class FailuresTest {

    @Test
    void should_unwrap_funqys_application_exception_when_the_poll_loop_reports_it() {
        // GIVEN what Quarkus's poll loop builds from Funqy's wrapper around io.kitbridge.errors.KitUnavailable
        String message = new KitUnavailable("Kit did not answer in time").toString();
        // WHEN rewritten THEN the kitbridge class is the type and its message is kept
        Failures.Reported r = Failures.forRuntime("io.quarkus.funqy.runtime.ApplicationException", message);
        assertEquals("io.kitbridge.errors.KitUnavailable", r.errorType());
        assertEquals("KitUnavailable: Kit did not answer in time", r.errorMessage());
    }

    @Test
    void should_report_unexpected_without_secrets_when_something_else_failed_outside_the_function() {
        // GIVEN a failure outside any function (e.g. writing the output) whose text carries a token
        Failures.Reported r = Failures.forRuntime("java.lang.IllegalStateException", "bad state access_token=abc123secret");
        // THEN it is Unexpected, named, and redacted
        assertEquals("io.kitbridge.errors.Unexpected", r.errorType());
        assertTrue(r.errorMessage().startsWith("Unexpected: IllegalStateException: bad state"), r.errorMessage());
        assertTrue(!r.errorMessage().contains("abc123secret"), r.errorMessage());
    }

    @Test
    void should_map_typed_and_untyped_exceptions_when_the_runtime_interface_client_path_rethrows() {
        // GIVEN a typed failure, a Jackson failure and a bug, each wrapped as Funqy wraps them
        var typed = Failures.forCaller(new io.quarkus.funqy.runtime.ApplicationException(
                new KitbridgeException("KitUnavailable", "Kit answered 503")));
        var payload = Failures.forCaller(com.fasterxml.jackson.databind.exc.MismatchedInputException.from(null,
                String.class, "Cannot deserialize"));
        var bug = Failures.forCaller(new io.quarkus.funqy.runtime.ApplicationException(new NullPointerException("x")));
        // THEN each is the documented class
        assertEquals(KitUnavailable.class, typed.getClass());
        assertEquals("KitUnavailable: Kit answered 503", typed.getMessage());
        assertEquals(InvalidInput.class, payload.getClass());
        assertEquals(Unexpected.class, bug.getClass());
    }

    @Test
    void should_report_store_unavailable_when_a_dynamodb_call_times_out_inside_a_function() {
        // guards: an ApiCallTimeoutException that left sync-page (a 1M-subscriber benchmark on a slow store) was
        // reported as Unexpected, not as the retryable StoreUnavailable operators alarm and branch on
        // GIVEN the SDK's call timeout, wrapped as Funqy wraps a function's exception
        var timeout = software.amazon.awssdk.core.exception.ApiCallTimeoutException.create(2000);
        // WHEN it reaches the caller
        var error = Failures.forCaller(new io.quarkus.funqy.runtime.ApplicationException(timeout));
        // THEN it is StoreUnavailable and says what failed
        assertEquals(io.kitbridge.errors.StoreUnavailable.class, error.getClass());
        assertTrue(error.getMessage().startsWith("StoreUnavailable: DynamoDB failed (ApiCallTimeoutException"),
                error.getMessage());
    }
}
