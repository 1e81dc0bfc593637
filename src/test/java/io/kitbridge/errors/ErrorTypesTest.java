package io.kitbridge.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error contract in one place: every type the code throws has its class (the Lambda errorType), the README's
 * table lists exactly those, and the state machine retries exactly the transient ones. Guards merges that add a
 * type in one place only.
 */
class ErrorTypesTest {
    static final Pattern THROWN = Pattern.compile("(?:new KitbridgeException|super)\\(\\s*\"([A-Z][A-Za-z]+)\"");
    static final Pattern KIND = Pattern.compile("^\\s+[A-Z_]+\\(\"([A-Z][A-Za-z]+)\", (?:true|false)\\)", Pattern.MULTILINE);

    @Test
    void should_have_a_class_for_every_error_type_the_code_throws() throws IOException {
        // GIVEN every type name passed to a KitbridgeException in src/main (and KitErrorKind's)
        Set<String> thrown = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                for (Pattern p : new Pattern[] {THROWN, KIND}) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        thrown.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(thrown.size() > 15, thrown.toString());
        // THEN each is a documented type with its own class io.kitbridge.errors.<Type>
        for (String type : thrown) {
            assertTrue(ErrorTypes.isKnown(type), type + " is thrown but has no class in io.kitbridge.errors");
        }
        for (String type : ErrorTypes.names()) {
            LambdaError e = ErrorTypes.of(type, "detail");
            assertEquals("io.kitbridge.errors." + type, e.getClass().getName());
            assertEquals(type + ": detail", e.getMessage());
            assertEquals(type, ErrorTypes.shortName(ErrorTypes.qualified(type)));
        }
    }

    @Test
    void should_list_exactly_the_error_types_in_the_readme_table() throws IOException {
        // GIVEN the README's Errors section WHEN its table's first column is read THEN it names every type once
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Errors"), readme.indexOf("\n## ", readme.indexOf("## Errors") + 3));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("^\\| (`[A-Za-z]+`(?:, `[A-Za-z]+`)*) \\|", Pattern.MULTILINE).matcher(section);
        while (row.find()) {
            Matcher name = Pattern.compile("`([A-Za-z]+)`").matcher(row.group(1));
            while (name.find()) {
                documented.add(name.group(1));
            }
        }
        assertEquals(new TreeSet<>(ErrorTypes.names()), documented);
    }

    @Test
    void should_retry_exactly_the_transient_types_when_the_state_machine_calls_sync_page() throws IOException {
        // GIVEN the sync state machine's Task
        JsonNode task = new ObjectMapper().readTree(Path.of("infra/statemachine/sync.asl.json").toFile())
                .path("States").path("SyncPage");
        // WHEN its retriers' kitbridge error names are collected
        Set<String> retried = new TreeSet<>();
        task.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> {
            String shortName = ErrorTypes.shortName(e.asText());
            if (shortName != null) {
                retried.add(shortName);
            }
            // THEN no retrier matches everything (that would retry InvalidInput like a timeout)
            assertTrue(!e.asText().equals("States.ALL") && !e.asText().equals("States.TaskFailed"), r.toString());
        }));
        assertEquals(new TreeSet<>(ErrorTypes.TRANSIENT), retried);
        // AND every other failure is caught into the lease release
        assertEquals("[\"States.ALL\"]", task.path("Catch").get(0).path("ErrorEquals").toString());
        assertEquals("ReleaseLease", task.path("Catch").get(0).path("Next").asText());
    }
}
