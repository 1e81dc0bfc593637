package io.kitbridge.kit;

import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/** Every 4xx/5xx from Kit becomes a typed {@link KitException}; bodies are read as text, never as JSON first. */
public final class KitResponseExceptionMapper implements ResponseExceptionMapper<KitException> {

    @Override
    public KitException toThrowable(Response response) {
        String body = "";
        try {
            if (response.hasEntity()) {
                body = response.readEntity(String.class);
            }
        } catch (RuntimeException unreadable) {
            body = "";
        }
        return KitErrors.fromResponse(response.getStatus(), body, response.getHeaderString("Retry-After"));
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
