package io.kitbridge.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner per DynamoDB item kind (issue 12), read from the src/main sources like {@link PackageGraphTest}.
 * The rule, kept simple:
 * <ol>
 * <li>only an owner (or {@code store.ControlStore}, the control table's key-agnostic primitives, or
 * {@code store.BatchCalls}, batch reads and writes on a table its caller names) may touch DynamoDB:
 * name {@code DynamoDbClient} or {@code ControlStore}, or a table ({@code tables.control()} …) — and only the
 * tables its kinds live in;</li>
 * <li>a partition-key prefix ({@code "sync#"} …) is spelled in its owner's file and nowhere else in src/main;</li>
 * <li>no class names another owner's key-building member ({@code X.pk(…)}, {@code X.PK_PREFIX},
 * {@code X.accountPk(…)}, {@code X.LEASE} …): it calls the owner's methods instead.</li>
 * </ol>
 * The map below is the one README's Architecture section shows.
 */
class ItemOwnershipTest {
    private static final Path MAIN = Path.of("src/main/java/io/kitbridge");
    private static final String PRIMITIVES = "store/ControlStore";
    /** Batch calls for any table, given by its owner: names no table and builds no key. */
    private static final String BATCH_CALLS = "store/BatchCalls";

    /** An item kind: its owner (path under io/kitbridge, no .java), its table and its partition-key prefix. */
    record Kind(String name, String owner, String table, String pkPrefix) {
    }

    static final List<Kind> KINDS = List.of(
            new Kind("connection (credential)", "store/ConnectionStore", "connections", null),
            new Kind("webhook secrets (same item)", "store/ConnectionStore", "connections", null),
            new Kind("mirror record", "store/MirrorStore", "mirror", "sub#"),
            new Kind("desired state", "store/MirrorStore", "mirror", "desired#"),
            new Kind("audit entry", "store/MirrorStore", "mirror", "audit#"),
            new Kind("rate budget", "budget/RateBudget", "control", "budget#"),
            new Kind("fields/tags catalog cache", "kit/KitCatalog", "control", "cache#"),
            new Kind("sync lease, state, watermark", "sync/SyncStateStore", "control", "sync#"),
            new Kind("sync run id lists", "sync/SyncStateStore", "control", "syncdata#"),
            new Kind("webhook dedupe claim, kept event", "webhook/WebhookControl", "control", "webhook#"),
            new Kind("oauth connect link", "oauth/ConnectLinks", "control", "oauth-link#"),
            new Kind("oauth state", "oauth/OAuthStates", "control", "oauth-state#"),
            new Kind("oauth refresh lease", "oauth/OAuthTokenRefresher", "control", "oauth-refresh#"),
            new Kind("deprovision guard", "deprovision/DeprovisionGuard", "control", "guard#"),
            new Kind("scim records and tokens", "scim/ScimRecords", "control", "scim#"),
            new Kind("provision-batch results", "provision/BatchResults", "control", "provision-batch#"),
            new Kind("provision-batch staged people", "provision/StagedBatches", "control", "provision-stage#"));

    private static final Pattern TOUCH = Pattern.compile("\\b(DynamoDbClient|ControlStore)\\b");
    private static final Pattern TABLE = Pattern.compile("\\btables\\s*\\.\\s*(control|mirror|connections)\\s*\\(");
    private static final Pattern KEY_MEMBER = Pattern.compile(
            "\\b([A-Z][A-Za-z0-9]*)\\s*\\.\\s*([A-Za-z_]*(?:PREFIX|Pk|pk|Sk|sk|SK|LEASE)[A-Za-z_]*)\\b");

    @Test
    void should_let_only_owners_touch_dynamodb_when_reading_every_main_source() throws IOException {
        // GIVEN
        Map<String, String> sources = sources();
        assertTrue(sources.keySet().containsAll(owners()), "owners missing from " + sources.keySet());
        // WHEN
        List<String> wrong = new ArrayList<>();
        sources.forEach((file, source) -> wrong.addAll(violations(file, source)));
        // THEN
        assertEquals(List.of(), wrong);
    }

    @Test
    void should_find_each_key_prefix_in_its_owner_only_when_reading_every_main_source() throws IOException {
        // GIVEN
        Map<String, String> sources = sources();
        // WHEN
        Map<String, Set<String>> spelledIn = new TreeMap<>();
        for (Kind kind : KINDS) {
            if (kind.pkPrefix() != null) {
                spelledIn.put(kind.pkPrefix(), sources.entrySet().stream()
                        .filter(e -> withoutComments(e.getValue()).contains("\"" + kind.pkPrefix()))
                        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        // THEN
        Map<String, Set<String>> expected = new TreeMap<>();
        KINDS.stream().filter(k -> k.pkPrefix() != null).forEach(k -> expected.put(k.pkPrefix(), Set.of(k.owner())));
        assertEquals(expected, spelledIn);
    }

    @Test
    void should_report_a_second_writer_when_a_capability_writes_the_connections_item_itself() {
        // GIVEN the shape issue 12 found: webhook.WebhookSecrets updated the connections item next to ConnectionStore
        String source = """
                package io.kitbridge.webhook;
                class WebhookSecrets {
                    @Inject DynamoDbClient dynamo;
                    void save() { dynamo.updateItem(b -> b.tableName(tables.connections())); }
                }
                """;
        // WHEN
        List<String> wrong = violations("webhook/WebhookSecrets", source);
        // THEN
        assertEquals(List.of("webhook/WebhookSecrets touches DynamoDB (DynamoDbClient) but owns no item kind",
                "webhook/WebhookSecrets names table connections, which holds none of its kinds"), wrong);
    }

    @Test
    void should_report_a_foreign_key_when_a_class_builds_the_key_of_another_owner() {
        // GIVEN the shape issue 12 found: SyncService took the lease with SyncStateStore's key parts
        String source = """
                package io.kitbridge.sync;
                class SyncService {
                    void go() { lease(SyncStateStore.accountPk(account), SyncStateStore.LEASE); } // SyncStateStore.pk
                }
                """;
        // WHEN
        List<String> wrong = violations("sync/SyncService", source);
        // THEN
        assertEquals(List.of("sync/SyncService builds a key of sync/SyncStateStore: SyncStateStore.accountPk",
                "sync/SyncService builds a key of sync/SyncStateStore: SyncStateStore.LEASE"), wrong);
    }

    @Test
    void should_save_the_sync_state_only_from_sync_service_when_reading_the_sync_sources() throws IOException {
        // GIVEN issue 12 counted 16 places across four passes that saved the run state
        Pattern save = Pattern.compile("\\bstore\\s*\\.\\s*(save|saveOrMoved)\\s*\\(");
        // WHEN
        List<String> savers = new ArrayList<>();
        sources().forEach((file, source) -> {
            if (file.startsWith("sync/") && save.matcher(PackageGraphTest.code(source)).find()) {
                savers.add(file);
            }
        });
        // THEN the passes return a Step; SyncService saves after each (and at start, resume, error, finish)
        assertEquals(List.of("sync/SyncService"), savers);
    }

    static List<String> violations(String file, String source) {
        String code = PackageGraphTest.code(source);
        List<String> out = new ArrayList<>();
        boolean owner = owners().contains(file) || PRIMITIVES.equals(file) || BATCH_CALLS.equals(file);
        Matcher touch = TOUCH.matcher(code);
        if (!owner && touch.find()) {
            out.add(file + " touches DynamoDB (" + touch.group(1) + ") but owns no item kind");
        }
        Set<String> tables = KINDS.stream().filter(k -> k.owner().equals(file)).map(Kind::table).collect(Collectors.toSet());
        if (PRIMITIVES.equals(file)) {
            tables = Set.of("control");
        }
        Matcher table = TABLE.matcher(code);
        while (table.find()) {
            if (!tables.contains(table.group(1))) {
                out.add(file + " names table " + table.group(1) + ", which holds none of its kinds");
            }
        }
        Map<String, String> ownerByClass = new LinkedHashMap<>();
        owners().forEach(o -> ownerByClass.put(o.substring(o.indexOf('/') + 1), o));
        Matcher member = KEY_MEMBER.matcher(code);
        while (member.find()) {
            String ownerFile = ownerByClass.get(member.group(1));
            if (ownerFile != null && !ownerFile.equals(file)) {
                out.add(file + " builds a key of " + ownerFile + ": " + member.group(1) + "." + member.group(2));
            }
        }
        return out;
    }

    private static Set<String> owners() {
        return KINDS.stream().map(Kind::owner).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every main source by path under io/kitbridge without ".java", e.g. "sync/SyncService". */
    private static Map<String, String> sources() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = MAIN.relativize(file).toString().replace('\\', '/');
                out.put(name.substring(0, name.length() - ".java".length()), Files.readString(file));
            }
        }
        return out;
    }

    /** Comments blanked, string literals kept (a key prefix is a literal). */
    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//[^\"\\n]*$", " ");
    }
}
