package io.kitbridge.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of src/main (issue 12): no cycle among io.kitbridge.* packages, and the shared parts never
 * depend on a capability. Read from the sources, not the classes: a static final constant of another package is
 * inlined by javac and leaves no trace in bytecode, but it is still a dependency. Every mention of
 * {@code io.kitbridge.<package>.} outside comments and string literals counts (imports, static imports,
 * fully qualified names in code); a type of the same package needs no mention, and is no edge.
 */
class PackageGraphTest {
    private static final Path MAIN = Path.of("src/main/java/io/kitbridge");
    /** The shared parts (and {@code errors}, the error types every function reports, where present). */
    private static final Set<String> SHARED = Set.of("kit", "budget", "store", "common", "errors");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.kitbridge\\.([a-z_][a-z0-9_]*)\\.");

    @Test
    void should_find_no_package_cycle_when_reading_every_main_source() throws IOException {
        // GIVEN
        Map<String, Set<String>> graph = graphOf(MAIN);
        // the scan must have read the real tree, or an empty graph would pass
        assertTrue(graph.keySet().containsAll(Set.of("kit", "budget", "store", "common", "provision", "sync")),
                "packages read: " + graph.keySet());
        // WHEN
        List<List<String>> cycles = cycles(graph);
        // THEN
        assertEquals(List.of(), cycles, "package cycles in " + graph);
    }

    @Test
    void should_keep_shared_parts_free_of_capabilities_when_reading_every_main_source() throws IOException {
        // GIVEN
        Map<String, Set<String>> graph = graphOf(MAIN);
        // WHEN
        List<String> wrong = new ArrayList<>();
        graph.forEach((from, targets) -> {
            if (SHARED.contains(from)) {
                targets.stream().filter(t -> !SHARED.contains(t)).forEach(t -> wrong.add(from + " -> " + t));
            }
        });
        // THEN
        assertEquals(List.of(), wrong, "shared parts (" + SHARED + ") depending on a capability");
    }

    @Test
    void should_report_the_cycle_when_two_packages_depend_on_each_other() {
        // GIVEN the shape issue 12 found: budget imported a kit type while kit imports budget
        Map<String, Set<String>> graph = new TreeMap<>(Map.of(
                "budget", Set.of("kit", "store"), "kit", Set.of("budget", "store"), "store", Set.of(), "sync", Set.of("kit")));
        // WHEN
        List<List<String>> cycles = cycles(graph);
        // THEN
        assertEquals(List.of(List.of("budget", "kit")), cycles);
    }

    @Test
    void should_ignore_comments_and_strings_when_collecting_references() {
        // GIVEN
        String source = """
                package io.kitbridge.store;
                import io.kitbridge.common.Secrets;
                /** see {@link io.kitbridge.sync.SyncService} */
                class X { // io.kitbridge.webhook.Y
                    String s = "io.kitbridge.oauth.Z";
                    Object o = io.kitbridge.kit.KitCall.class;
                }
                """;
        // WHEN
        Set<String> targets = references(source);
        // THEN
        assertEquals(Set.of("common", "kit"), targets);
    }

    static Map<String, Set<String>> graphOf(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = root.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // a class directly in io.kitbridge belongs to no capability
                }
                String from = relative.getName(0).toString();
                Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
                references(Files.readString(file)).stream().filter(t -> !t.equals(from)).forEach(targets::add);
            }
        }
        return graph;
    }

    static Set<String> references(String source) {
        Set<String> out = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code(source));
        while (m.find()) {
            out.add(m.group(1));
        }
        out.remove(packageOf(source));
        return out;
    }

    private static String packageOf(String source) {
        Matcher m = Pattern.compile("^\\s*package\\s+io\\.kitbridge\\.([a-z_][a-z0-9_]*)", Pattern.MULTILINE).matcher(source);
        return m.find() ? m.group(1) : "";
    }

    /** The source with comments, string, text-block and char literals blanked out; the package line is kept out too. */
    static String code(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = skipTo(source, i, "\n");
            } else if (source.startsWith("/*", i)) {
                i = skipTo(source, i + 2, "*/");
            } else if (source.startsWith("\"\"\"", i)) {
                i = skipTo(source, i + 3, "\"\"\"");
            } else if (c == '"' || c == '\'') {
                i = skipLiteral(source, i + 1, c);
            } else if (source.startsWith("package ", i)) {
                i = skipTo(source, i, ";");
            } else {
                out.append(c);
                i++;
                continue;
            }
            out.append(' '); // what was blanked out still separates tokens
        }
        return out.toString();
    }

    private static int skipTo(String s, int from, String end) {
        int at = s.indexOf(end, from);
        return at < 0 ? s.length() : at + end.length();
    }

    private static int skipLiteral(String s, int from, char quote) {
        int i = from;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    /** Every strongly connected set of two or more packages (Tarjan), each sorted; sorted by first member. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Tarjan t = new Tarjan(graph);
        graph.keySet().forEach(v -> {
            if (!t.index.containsKey(v)) {
                t.visit(v);
            }
        });
        t.found.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return t.found;
    }

    private static final class Tarjan {
        final Map<String, Set<String>> graph;
        final Map<String, Integer> index = new TreeMap<>();
        final Map<String, Integer> low = new TreeMap<>();
        final java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        final Set<String> onStack = new TreeSet<>();
        final List<List<String>> found = new ArrayList<>();

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                List<String> component = new ArrayList<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    component.sort(null);
                    found.add(component);
                }
            }
        }
    }
}
