package io.kitbridge.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.quarkus.funqy.lambda.FunqyStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Handler for Lambda's Java runtime (AWS's runtime interface client):
 * {@code io.kitbridge.common.KitbridgeLambdaHandler::handleRequest}. Funqy's own FunqyStreamHandler lets Funqy's
 * ApplicationException escape, and the client reports the escaping class as errorType; this one rethrows the
 * kitbridge error instead ({@code io.kitbridge.errors.InvalidInput}, ...), message kept.
 */
public final class KitbridgeLambdaHandler implements RequestStreamHandler {
    private final FunqyStreamHandler funqy = new FunqyStreamHandler();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LogContext.put(LogContext.REQUEST_ID, context == null ? null : context.getAwsRequestId());
        try {
            funqy.handleRequest(input, output, context);
        } catch (IOException | RuntimeException e) {
            throw Failures.forCaller(e);
        } finally {
            org.jboss.logging.MDC.remove(LogContext.REQUEST_ID);
            LogContext.clearInvocation();
        }
    }
}
