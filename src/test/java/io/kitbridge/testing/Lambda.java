package io.kitbridge.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

/**
 * Invokes the exported Funqy function through Quarkus's Lambda mock event server (the same event loop the
 * Lambda runtime drives). Function errors come back as HTTP 500 with {errorType, errorMessage}; since Funqy
 * wraps exceptions, our stable type leads the message ("InvalidInput: ...").
 */
public final class Lambda {
    private Lambda() {
    }

    public static Response invoke(Object event) {
        return given().contentType("application/json").accept("application/json").body(event).when().post();
    }

    /** The stable kitbridge error type of a failed invocation. */
    public static String errorType(Response response) {
        String message = response.jsonPath().getString("errorMessage");
        int colon = message == null ? -1 : message.indexOf(':');
        return colon < 0 ? message : message.substring(0, colon);
    }
}
