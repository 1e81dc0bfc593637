package io.kitbridge.sync;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** infra/statemachine/sync.asl.json is valid ASL (asl-validator, as CI runs it) and has the loop the design needs. */
class SyncStateMachineDefinitionTest {
    static final Path ASL = Path.of("infra/statemachine/sync.asl.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_pass_asl_validator_when_checking_the_sync_state_machine() throws Exception {
        // GIVEN the state machine file WHEN asl-validator checks it (paths and ARNs included) THEN it is valid
        Result result = validate(ASL);
        assertEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("is valid"), result.output);
    }

    @Test
    void should_fail_asl_validator_when_a_transition_target_is_missing() throws Exception {
        // GIVEN a copy whose Wait state points nowhere WHEN validated THEN the validator rejects it (the check can fail)
        ObjectNode broken = (ObjectNode) JSON.readTree(ASL.toFile());
        ((ObjectNode) broken.path("States").path("Wait")).put("Next", "Nowhere");
        Path copy = Files.createTempFile("sync-broken", ".asl.json");
        Files.writeString(copy, JSON.writeValueAsString(broken));
        Result result = validate(copy);
        assertNotEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("Nowhere"), result.output);
    }

    @Test
    void should_loop_task_choice_wait_and_continue_as_new_when_reading_the_definition() throws IOException {
        JsonNode states = JSON.readTree(ASL.toFile()).path("States");
        // the Task hands sync-page its previous output plus the execution id, and retries Lambda service errors
        JsonNode task = states.path("SyncPage");
        assertEquals("arn:aws:states:::lambda:invoke", task.path("Resource").asText());
        assertEquals("${SyncPageFunctionArn}", task.path("Parameters").path("FunctionName").asText());
        assertTrue(task.path("Parameters").path("Payload.$").asText().contains("$$.Execution.Id"));
        assertEquals("$.Payload", task.path("OutputPath").asText());
        assertTrue(task.path("Retry").get(0).path("ErrorEquals").toString().contains("Lambda.ServiceException"));
        assertEquals("Done?", task.path("Next").asText());
        // Choice: done → end; continueAsNew → StartExecution of itself; else Wait SecondsPath → Task
        JsonNode choice = states.path("Done?");
        assertEquals("$.done", choice.path("Choices").get(0).path("Variable").asText());
        assertEquals("$.continueAsNew", choice.path("Choices").get(1).path("Variable").asText());
        assertEquals("$.waitSeconds", states.path(choice.path("Default").asText()).path("SecondsPath").asText());
        assertEquals("SyncPage", states.path("Wait").path("Next").asText());
        JsonNode handover = states.path(choice.path("Choices").get(1).path("Next").asText());
        assertEquals("arn:aws:states:::states:startExecution", handover.path("Resource").asText());
        assertEquals("${SyncStateMachineArn}", handover.path("Parameters").path("StateMachineArn").asText());
        // the only DefinitionSubstitutions the template must provide
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(Files.readString(ASL));
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertEquals(Set.of("SyncPageFunctionArn", "SyncStateMachineArn"), keys);
    }

    private static Result validate(Path file) throws IOException, InterruptedException {
        Path validator = Dynalite.NodeTools.ensureInstalled().resolve("node_modules/.bin/asl-validator");
        List<String> command = new ArrayList<>(List.of(Dynalite.NodeTools.node(), validator.toString(), "--json-path",
                file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("asl-validator did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
