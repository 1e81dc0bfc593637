package io.kitbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.testing.Dynalite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Runs infra/statemachine/sync.asl.json with infra/local/sfn-run.mjs (aws-local-stepfunctions): the Task states
 * POST to this test's Lambda mock event server, so the real function runs inside the real state machine.
 */
public final class LocalStateMachine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalStateMachine() {
    }

    static Path script() {
        return Dynalite.NodeTools.ensureInstalled().resolve("../sfn-run.mjs").normalize();
    }

    static String lambdaUrl() {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.lambda.mock-event-server.test-port", Integer.class)
                .orElse(Integer.getInteger("quarkus.lambda.mock-event-server.test-port", 8081));
        return "http://localhost:" + port + "/";
    }

    /** Starts one local execution chain; read its summary with {@link Run#await}. */
    public static Run start(String inputJson, String name, String... options) {
        List<String> command = new ArrayList<>(List.of(Dynalite.NodeTools.node(), script().toString(),
                "--lambda-url", lambdaUrl(), "--input", inputJson, "--name", name));
        command.addAll(List.of(options));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return new Run(process);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + command, e);
        }
    }

    public static JsonNode run(String inputJson, String name, String... options) {
        return start(inputJson, name, options).await(600);
    }

    public static JsonNode run(int timeoutSeconds, String inputJson, String name, String... options) {
        return start(inputJson, name, options).await(timeoutSeconds);
    }

    public record Run(Process process) {
        public JsonNode await(int timeoutSeconds) {
            try {
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("local state machine did not finish in " + timeoutSeconds + " s");
                }
                String text = new String(out, StandardCharsets.UTF_8).trim();
                String last = text.substring(text.lastIndexOf('\n') + 1);
                return JSON.readTree(last);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
