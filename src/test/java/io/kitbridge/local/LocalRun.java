package io.kitbridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.sim.Dialect;
import io.kitbridge.sim.KitSimulator;
import io.kitbridge.sim.SeedSpec;
import io.kitbridge.sim.SimConfig;
import io.kitbridge.sim.SimSubscriber;
import io.kitbridge.store.Attr;
import io.kitbridge.store.TableNames;
import io.kitbridge.store.TableSetup;
import io.kitbridge.testing.Dynalite;
import io.kitbridge.testing.KitWorld;
import io.kitbridge.testing.PackagedLambda;
import io.kitbridge.testing.RuntimeApiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The main job, locally (infra/local/run): dynalite and the Kit simulator, the packaged functions each in its own
 * JVM under AWS's runtime interface client, the real ASL state machine under aws-local-stepfunctions — then setup,
 * a full sync with a progress bar, provisioning, deprovisioning, webhook deliveries, an incremental sync and a
 * summary. With KITBRIDGE_KIT_API_KEY set it mirrors a real Kit account instead (read-only unless --write).
 */
public final class LocalRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "default";

    private final Options options;
    private final Map<String, FunctionHost> functions = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicReference<JsonNode> lastSync = new AtomicReference<>();
    private final AtomicLong syncInvocations = new AtomicLong();
    private KitSimulator kit;
    private DynamoDbClient dynamo;
    private TableNames tables;
    private long syncStartedNanos;

    record Options(int subscribers, int tags, Dialect dialect, int limit, boolean real, boolean write, boolean keep,
            String realBaseUrl, String realApiKey) {
        static Options parse(String[] args) {
            int subscribers = 100_000;
            int tags = 20;
            Dialect dialect = Dialect.PUBLIC;
            int limit = 120;
            boolean write = false;
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
                    case "--tags" -> tags = Integer.parseInt(args[++i]);
                    case "--dialect" -> dialect = Dialect.valueOf(args[++i].toUpperCase());
                    case "--limit" -> limit = Integer.parseInt(args[++i]);
                    case "--write" -> write = true;
                    case "--keep" -> keep = true;
                    case "--help", "-h" -> {
                        System.out.println("usage: infra/local/run [--subscribers N] [--tags N] [--dialect seed|public] "
                                + "[--limit requests-per-minute] [--keep] [--write]\n"
                                + "  with KITBRIDGE_KIT_API_KEY set: mirror that real Kit account (read-only unless --write)");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                }
            }
            String key = System.getenv("KITBRIDGE_KIT_API_KEY");
            String base = System.getenv().getOrDefault("KITBRIDGE_KIT_BASE_URL", "https://api.kit.com");
            return new Options(subscribers, tags, dialect, limit, key != null && !key.isBlank(), write, keep, base, key);
        }
    }

    LocalRun(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kitbridge local: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try (LocalRun run = new LocalRun(options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(run::closeQuietly));
            status = run.run();
        } catch (Exception e) {
            System.err.println("\nkitbridge local: FAILED: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("KITBRIDGE_DEBUG") != null) {
                e.printStackTrace();
            }
            status = 1;
        }
        System.exit(status);
    }

    int run() throws Exception {
        long t0 = System.nanoTime();
        step(1, "DynamoDB (dynalite) and " + (options.real() ? "the real Kit account at " + options.realBaseUrl()
                : "the Kit simulator with " + String.format("%,d", options.subscribers()) + " subscribers, "
                + options.tags() + " tags (" + options.dialect().name().toLowerCase() + " dialect)"));
        Dynalite dynalite = Dynalite.shared();
        dynamo = KitWorld.client(dynalite.endpoint());
        tables = KitWorld.tableNames("local" + System.currentTimeMillis());
        TableSetup.createMissing(dynamo, tables);
        String kitUrl;
        String apiKey;
        if (options.real()) {
            kitUrl = options.realBaseUrl();
            apiKey = options.realApiKey();
        } else {
            kit = KitSimulator.start(SimConfig.defaults().withDialect(options.dialect()).withApiKeyLimit(options.limit())
                    .withApiKeys(Set.of(KitWorld.API_KEY)).withWebhookRetryDelay(Duration.ofSeconds(1)));
            closeables.add(kit);
            kit.admin().seed(new SeedSpec(options.subscribers(), options.tags(), List.of("plan", "department", "company"), 42));
            kitUrl = kit.baseUrl();
            apiKey = KitWorld.API_KEY;
        }

        step(2, "starting the functions (target/function.zip, one JVM each, AWS runtime interface client)");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KITBRIDGE_KIT_BASE_URL", kitUrl);
        env.put("KITBRIDGE_KIT_API_KEY", apiKey);
        env.put("KITBRIDGE_BUDGET_API_KEY_LIMIT", Integer.toString(options.limit()));
        env.put("KITBRIDGE_TABLES_CONNECTIONS", tables.connections());
        env.put("KITBRIDGE_TABLES_CONTROL", tables.control());
        env.put("KITBRIDGE_TABLES_MIRROR", tables.mirror());
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", dynalite.endpoint());
        env.put("QUARKUS_DYNAMODB_AWS_REGION", "us-east-1");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_TYPE", "static");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", "local");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", "local");
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        LocalGateway gateway = new LocalGateway(functions, this::onSyncPage);
        closeables.add(gateway);
        env.put("KITBRIDGE_WEBHOOK_BASE_URL", gateway.baseUrl());
        List<String> names = options.real() && !options.write() ? List.of("sync-page", "lookup")
                : List.of("setup", "sync-page", "provision", "deprovision", "webhook-handler", "lookup");
        startFunctions(names, env);

        JsonNode setup = null;
        if (!options.real()) {
            step(3, "setup: registering signed webhooks at " + gateway.baseUrl() + "/webhooks/" + ACCOUNT);
            setup = invoke("setup", Map.of("account", ACCOUNT, "webhooks", "signed"));
            System.out.println("   registered: " + setup.path("registrations").size() + " endpoint(s), events: "
                    + setup.path("events").size() + ", secret stored: " + setup.path("secretStored").asBoolean());
        } else {
            step(3, "setup skipped: a real Kit account cannot reach this machine's webhook URL");
        }

        step(4, "full sync through the real state machine (infra/statemachine/sync.asl.json)");
        JsonNode full = runStateMachine("full", gateway);
        System.out.println();
        printSync(full);

        List<String> provisioned = new ArrayList<>();
        if (!options.real() || options.write()) {
            step(5, "provision 5 people, deprovision 2");
            for (int i = 1; i <= 5; i++) {
                String email = "new.hire" + i + "@example.com";
                JsonNode r = invoke("provision", Map.of("email", email, "firstName", "Hire " + i,
                        "fields", Map.of("plan", i % 2 == 0 ? "pro" : "team", "department", "it"),
                        "tags", List.of("employee", i % 2 == 0 ? "pro" : "team"), "createMissingTags", true));
                provisioned.add(email);
                System.out.printf("   provision %-26s → %-9s id %s, tags %s, %d Kit requests%n", email, r.path("outcome").asText(),
                        r.path("subscriberId").asText(), r.path("tagsApplied"), r.path("kitRequests").asLong());
            }
            for (String email : provisioned.subList(0, 2)) {
                JsonNode r = invoke("deprovision", Map.of("email", email));
                System.out.printf("   deprovision %-24s → %s, removed tags %s, state %s%n", email, r.path("outcome").asText(),
                        r.path("tagsRemoved"), r.path("state").asText());
            }
        }

        int webhookChanges = 0;
        if (!options.real()) {
            step(6, "changes made in Kit's UI (simulator) arrive as signed webhooks");
            List<SimSubscriber> people = kit.admin().allSubscribers().stream().filter(s -> "active".equals(s.state())).limit(6).toList();
            long tagId = kit.admin().tagIdsByName().values().iterator().next();
            kit.admin().unsubscribe(people.get(0).id());
            kit.admin().unsubscribe(people.get(1).id());
            kit.admin().tag(people.get(2).id(), tagId);
            kit.admin().complain(people.get(3).id()); // field changes have no webhook-endpoint catalog event
            kit.admin().bounce(people.get(4).id());
            webhookChanges = 5;
            boolean delivered = kit.admin().awaitWebhooksDelivered(Duration.ofSeconds(60));
            long ok = kit.admin().deliveries().stream().filter(d -> d.status() == 200).count();
            System.out.printf("   %d changes → %d deliveries answered 200%s%n", webhookChanges, ok, delivered ? "" : " (some still pending)");
            JsonNode seen = invoke("lookup", Map.of("subscriberId", people.get(0).id()));
            System.out.printf("   lookup %s → state %s (source %s)%n", people.get(0).email(), seen.path("state").asText(),
                    seen.path("source").asText());
            // changes a sync must catch on its own: a subscriber that appeared without a webhook registration
            for (int i = 0; i < 3; i++) {
                kit.admin().setField(people.get(5).id(), "department", "ops-" + i);
            }
        }

        step(7, "incremental sync (updated_after = start of the last complete sync minus the overlap)");
        JsonNode incremental = runStateMachine("incremental", gateway);
        System.out.println();
        printSync(incremental);

        summary(full, incremental, provisioned, setup, (System.nanoTime() - t0) / 1_000_000_000.0);
        if (options.keep()) {
            System.out.println("\nRunning until Ctrl-C. Query the mirror with:\n  curl -s -XPOST " + gateway.baseUrl()
                    + "/invoke/lookup -d '{\"email\": \"new.hire3@example.com\", \"history\": true}'");
            Thread.currentThread().join();
        }
        return 0;
    }

    private void startFunctions(List<String> names, Map<String, String> env) throws Exception {
        Path task = PackagedLambda.unpack(Path.of("target/function.zip"));
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        Map<String, Future<FunctionHost>> started = new LinkedHashMap<>();
        long t = System.nanoTime();
        for (String name : names) {
            started.put(name, pool.submit(() -> new FunctionHost(name, env, task)));
        }
        for (Map.Entry<String, Future<FunctionHost>> e : started.entrySet()) {
            FunctionHost host = e.getValue().get(2, TimeUnit.MINUTES);
            functions.put(e.getKey(), host);
            closeables.add(host);
        }
        pool.shutdown();
        for (FunctionHost host : functions.values()) {
            host.awaitReady(Duration.ofSeconds(90));
        }
        System.out.printf("   %d functions up in %.1f s: %s%n", names.size(), (System.nanoTime() - t) / 1e9, names);
    }

    private JsonNode runStateMachine(String mode, LocalGateway gateway) throws Exception {
        syncStartedNanos = System.nanoTime();
        syncInvocations.set(0);
        lastSync.set(null);
        Path node = Path.of("infra/local/node");
        List<String> command = List.of(System.getProperty("kitbridge.node", "node"), "infra/local/sfn-run.mjs",
                "--lambda-url", gateway.baseUrl() + "/invoke/sync-page",
                "--input", JSON.writeValueAsString(Map.of("account", ACCOUNT, "mode", mode)),
                "--name", "local-" + mode + "-" + System.currentTimeMillis(), "--wait-scale", "1");
        if (!Files.isDirectory(node.resolve("node_modules/aws-local-stepfunctions"))) {
            throw new IllegalStateException("npm tools missing: run (cd infra/local/node && npm ci)");
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        closeables.add(process::destroy);
        StringBuilder out = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                out.append(line).append('\n');
            }
        }
        int exit = process.waitFor();
        JsonNode summary = out.isEmpty() ? JSON.createObjectNode() : JSON.readTree(out.toString());
        if (exit != 0 || !"SUCCEEDED".equals(summary.path("status").asText())) {
            throw new IllegalStateException("the " + mode + " sync state machine ended " + summary.path("status").asText("with exit " + exit)
                    + ": " + summary.path("error"));
        }
        return summary;
    }

    private void onSyncPage(JsonNode output) {
        lastSync.set(output);
        syncInvocations.incrementAndGet();
        JsonNode stats = output.path("stats");
        long pages = stats.path("subscriberPages").asLong();
        long seen = stats.path("subscribersRead").asLong();
        long requests = stats.path("kitRequests").asLong();
        double elapsed = (System.nanoTime() - syncStartedNanos) / 1e9;
        long expectedPages = options.real() ? 0 : (long) Math.ceil(options.subscribers() / 1000.0);
        double fraction = expectedPages == 0 ? 0 : Math.min(1.0, (double) pages / expectedPages);
        int width = 28;
        int filled = (int) Math.round(fraction * width);
        double rate = elapsed > 0 ? requests / elapsed * 60 : 0;
        String eta = fraction > 0.02 && fraction < 1 ? String.format("%.0fs", elapsed / fraction - elapsed) : "-";
        System.out.printf("\r   [%s%s] %-12s pages %,d%s  subscribers %,d  Kit requests %,d (%.0f/min of %d)  ETA %s   ",
                "#".repeat(filled), ".".repeat(width - filled), output.path("phase").asText(), pages,
                expectedPages > 0 ? "/" + expectedPages : "", seen, requests, rate, options.limit(), eta);
    }

    private void printSync(JsonNode summary) {
        JsonNode output = summary.path("output");
        System.out.printf("   %s: outcome %s, %d sync-page invocations, %d executions, %d budget waits (%ds), wall %.1f s%n",
                output.path("mode").asText(), output.path("outcome").asText(), summary.path("invocations").asLong(),
                summary.path("executions").size(), summary.path("waits").asLong(), summary.path("waitSecondsTotal").asLong(),
                summary.path("wallMillis").asLong() / 1000.0);
        System.out.println("   stats: " + output.path("stats"));
    }

    private void summary(JsonNode full, JsonNode incremental, List<String> provisioned, JsonNode setup, double seconds) {
        System.out.println("\n== summary ==");
        System.out.printf("   mirror size            %,d subscribers%n", mirrorSize());
        if (kit != null) {
            System.out.printf("   Kit requests used      %,d (simulator log), 429s %d, rate-limit violations %d%n", kit.log().size(),
                    kit.admin().rateLimited429s(), kit.admin().violations());
            System.out.printf("   webhook deliveries     %d%n", kit.admin().deliveries().size());
        }
        JsonNode drift = full.path("output").path("drift");
        System.out.printf("   drift found            %d%s%n", drift.size(), drift.isEmpty() ? "" : " e.g. " + drift.get(0).asText());
        functions.forEach((name, host) -> System.out.printf("   %-22s peak RSS %d MiB%n", name, host.peakRssMib()));
        System.out.printf("   wall time              %.1f s%n", seconds);
        String example = provisioned.size() > 2 ? provisioned.get(2) : firstMirroredEmail();
        System.out.println("\nQuery the mirror with lookup (run with --keep to leave everything up):");
        System.out.println("   curl -s -XPOST <gateway>/invoke/lookup -d '{\"email\": \"" + example + "\", \"history\": true}'");
        try {
            JsonNode found = invoke("lookup", Map.of("email", example, "history", true));
            System.out.println("   → " + found);
        } catch (Exception e) {
            System.out.println("   → " + e.getMessage());
        }
    }

    private String firstMirroredEmail() {
        QueryResponse page = dynamo.query(b -> b.tableName(tables.mirror()).limit(1)
                .keyConditionExpression("#a = :a AND begins_with(#sk, :p)")
                .expressionAttributeNames(Map.of("#a", Attr.ACCOUNT, "#sk", Attr.SK))
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(ACCOUNT), ":p", AttributeValue.fromS("sub#"))));
        return page.items().isEmpty() ? "someone@example.com" : page.items().get(0).get("email").s();
    }

    KitSimulator kit() {
        return kit;
    }

    long mirrorSize() {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(tables.mirror()).select(Select.COUNT)
                    .keyConditionExpression("#a = :a AND begins_with(#sk, :p)")
                    .expressionAttributeNames(Map.of("#a", Attr.ACCOUNT, "#sk", Attr.SK))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(ACCOUNT), ":p", AttributeValue.fromS("sub#")))
                    .exclusiveStartKey(from));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    private JsonNode invoke(String function, Object event) throws Exception {
        RuntimeApiServer.Result result = functions.get(function).invoke(JSON.writeValueAsString(event), Duration.ofMinutes(3));
        JsonNode body = JSON.readTree(result.body());
        if (result.error()) {
            throw new IllegalStateException(function + " failed: " + body.path("errorMessage").asText());
        }
        return body;
    }

    private static void step(int n, String what) {
        System.out.printf("%n[%d/7] %s%n", n, what);
    }

    private void closeQuietly() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort: leave nothing running
            }
        }
        closeables.clear();
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
