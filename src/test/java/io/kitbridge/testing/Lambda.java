package io.kitbridge.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

/**
 * Invokes the exported Funqy function through Quarkus's Lambda mock event server (the same poll loop the native
 * bootstrap runs). Function errors come back as HTTP 500 with the body that loop posts to the Runtime API:
 * {errorType: "io.kitbridge.errors.InvalidInput", errorMessage: "InvalidInput: ..."}.
 */
public final class Lambda {
    private Lambda() {
    }

    /** Where a raw HTTP client posts an event to the mock event server (RestAssured is configured for it already). */
    public static String url() {
        return "http://localhost:" + System.getProperty("quarkus.lambda.mock-event-server.test-port", "8081") + "/_lambda_";
    }

    public static Response invoke(Object event) {
        return given().contentType("application/json").accept("application/json").body(event).when().post();
    }

    /** The kitbridge error type of a failed invocation, read from errorType (io.kitbridge.errors.X → X). */
    public static String errorType(Response response) {
        String type = response.jsonPath().getString("errorType");
        String prefix = "io.kitbridge.errors.";
        return type != null && type.startsWith(prefix) ? type.substring(prefix.length()) : type;
    }
}
