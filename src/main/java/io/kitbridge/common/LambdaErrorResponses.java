package io.kitbridge.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.amazon.lambda.runtime.FunctionError;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * The error body Quarkus's Lambda poll loop posts to /runtime/invocation/{id}/error (the native bootstrap's path):
 * it builds {@code FunctionError(e.getClass().getName(), e.getMessage())} from Funqy's ApplicationException and
 * writes it with a copy of the application's ObjectMapper (AmazonLambdaMapperRecorder). This serializer, registered
 * on that ObjectMapper, writes the kitbridge type instead; see {@link Failures#forRuntime}.
 */
@Singleton
public class LambdaErrorResponses implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("kitbridge-lambda-errors");
        module.addSerializer(FunctionError.class, new Serializer());
        mapper.registerModule(module);
    }

    static final class Serializer extends StdSerializer<FunctionError> {
        Serializer() {
            super(FunctionError.class);
        }

        @Override
        public void serialize(FunctionError error, JsonGenerator json, SerializerProvider provider) throws IOException {
            Failures.Reported reported = Failures.forRuntime(error.getErrorType(), error.getErrorMessage());
            json.writeStartObject();
            json.writeStringField("errorType", reported.errorType());
            json.writeStringField("errorMessage", reported.errorMessage());
            json.writeEndObject();
        }
    }
}
