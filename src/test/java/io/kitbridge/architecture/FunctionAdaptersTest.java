package io.kitbridge.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Lambda function is a {@code *Function} adapter whose {@code @Funq} method carries {@code @FunctionBoundary}:
 * without it a function's failures reach callers as Funqy's wrapper instead of a kitbridge error type, and its log
 * context and metrics are not handled (read from the src/main sources, like {@link PackageGraphTest}).
 */
class FunctionAdaptersTest {
    private static final Path MAIN = Path.of("src/main/java/io/kitbridge");
    private static final Pattern FUNQ = Pattern.compile("@Funq\\(\"([^\"]+)\"\\)([^\\n]*)");

    @Test
    void should_put_every_function_behind_the_boundary_when_reading_the_main_sources() throws IOException {
        // GIVEN every @Funq method in src/main
        List<String> functions = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher funq = FUNQ.matcher(Files.readString(file));
                while (funq.find()) {
                    functions.add(funq.group(1));
                    // WHEN its declaration is read
                    if (!funq.group(2).contains("@FunctionBoundary")) {
                        wrong.add(funq.group(1) + " (" + file.getFileName() + ") has no @FunctionBoundary");
                    }
                    if (!file.getFileName().toString().endsWith("Function.java")) {
                        wrong.add(funq.group(1) + " is declared in " + file.getFileName() + ", not in a *Function adapter");
                    }
                }
            }
        }
        // THEN all of them are adapters behind the boundary (and the known functions are all there)
        assertTrue(functions.containsAll(List.of("provision", "deprovision", "sync-page", "webhook-handler", "oauth",
                "lookup", "setup", "scim")), functions.toString());
        assertEquals(List.of(), wrong);
    }
}
