package io.kitbridge.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitbridge.testing.Dynalite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** infra/statemachine/provision-batch.asl.json is valid ASL (asl-validator) and is the loop issue 17 asks for. */
class ProvisionBatchDefinitionTest {
    static final Path ASL = Path.of("infra/statemachine/provision-batch.asl.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_pass_asl_validator_when_checking_the_provision_batch_state_machine() throws Exception {
        // GIVEN the file WHEN asl-validator checks it (paths and ARNs included) THEN it is valid
        String output = validate(ASL, 0);
        assertTrue(output.contains("is valid"), output);
    }

    @Test
    void should_fail_asl_validator_when_the_wait_state_points_nowhere() throws Exception {
        // GIVEN a copy whose Wait state points nowhere WHEN validated THEN rejected (the check can fail)
        ObjectNode broken = (ObjectNode) JSON.readTree(ASL.toFile());
        ((ObjectNode) broken.path("States").path("Wait")).put("Next", "Nowhere");
        Path copy = Files.createTempFile("provision-batch-broken", ".asl.json");
        Files.writeString(copy, JSON.writeValueAsString(broken));
        assertTrue(validate(copy, 1).contains("Nowhere"));
    }

    @Test
    void should_loop_task_choice_wait_task_when_reading_the_definition() throws IOException {
        JsonNode states = JSON.readTree(ASL.toFile()).path("States");
        // the batch as given becomes the first "next"
        assertEquals("$", states.path("Start").path("Parameters").path("next.$").asText());
        assertEquals("Provision", states.path("Start").path("Next").asText());
        // Task: provision gets next plus the execution id (results are stored under it), retries Lambda errors
        JsonNode task = states.path("Provision");
        assertEquals("arn:aws:states:::lambda:invoke", task.path("Resource").asText());
        assertEquals("${ProvisionFunctionArn}", task.path("Parameters").path("FunctionName").asText());
        String payload = task.path("Parameters").path("Payload.$").asText();
        assertTrue(payload.contains("$.next") && payload.contains("$$.Execution.Id"), payload);
        assertEquals("$.Payload", task.path("OutputPath").asText());
        assertTrue(task.path("Retry").get(0).path("ErrorEquals").toString().contains("Lambda.ServiceException"));
        // Choice done? → Done, else Wait waitSeconds → Task
        JsonNode choice = states.path(task.path("Next").asText());
        assertEquals("Choice", choice.path("Type").asText());
        assertEquals("$.done", choice.path("Choices").get(0).path("Variable").asText());
        assertEquals("Succeed", states.path(choice.path("Choices").get(0).path("Next").asText()).path("Type").asText());
        JsonNode wait = states.path(choice.path("Default").asText());
        assertEquals("$.waitSeconds", wait.path("SecondsPath").asText());
        assertEquals("Provision", wait.path("Next").asText());
    }

    private static String validate(Path file, int expectedExit) throws IOException, InterruptedException {
        Path validator = Dynalite.NodeTools.ensureInstalled().resolve("node_modules/.bin/asl-validator");
        Process process = new ProcessBuilder(List.of(Dynalite.NodeTools.node(), validator.toString(), "--json-path",
                file.toString())).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("asl-validator did not finish");
        }
        if (expectedExit == 0) {
            assertEquals(0, process.exitValue(), output);
        } else {
            assertNotEquals(0, process.exitValue(), output);
        }
        return output;
    }
}
