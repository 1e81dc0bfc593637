package io.kitbridge.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Benchmarks write their figures to target/bench/<name>.json; infra/local/bench assembles the report. */
public final class BenchReport {
    private BenchReport() {
    }

    public static void write(String name, Map<String, ?> figures) {
        try {
            Path dir = Path.of("target/bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
