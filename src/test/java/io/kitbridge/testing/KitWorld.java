package io.kitbridge.testing;

import io.kitbridge.sim.Dialect;
import io.kitbridge.sim.KitSimulator;
import io.kitbridge.sim.SimConfig;
import io.kitbridge.store.TableNames;
import io.kitbridge.store.TableSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Test resource: starts dynalite and a fresh Kit simulator, creates this world's tables (named with a
 * per-world prefix so budgets and mirrors never leak between test classes) and points the application at
 * them. Init args: function (QUARKUS_FUNQY_EXPORT), dialect (seed|public), limit, window (seconds).
 * Inject it into a test with a field of type {@link World}.
 */
public class KitWorld implements QuarkusTestResourceLifecycleManager {
    public static final String API_KEY = "test-api-key";
    private static int counter;

    private World world;
    private Map<String, String> args = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs == null ? Map.of() : initArgs;
    }

    @Override
    public Map<String, String> start() {
        PollLoops.awaitPreviousEnded();
        Dynalite dynalite = Dynalite.shared();
        int limit = Integer.parseInt(args.getOrDefault("limit", "120"));
        int oauthLimit = Integer.parseInt(args.getOrDefault("oauthLimit", "600"));
        Duration window = Duration.ofMillis((long) (Double.parseDouble(args.getOrDefault("window", "60")) * 1000));
        Dialect dialect = "seed".equalsIgnoreCase(args.get("dialect")) ? Dialect.SEED : Dialect.PUBLIC;
        KitSimulator kit = KitSimulator.start(SimConfig.defaults().withDialect(dialect).withApiKeyLimit(limit)
                .withOauthLimit(oauthLimit).withWindow(window).withApiKeys(Set.of(API_KEY)));
        String id = nextId();
        TableNames tables = tableNames(id);
        DynamoDbClient dynamo = client(dynalite.endpoint());
        TableSetup.createMissing(dynamo, tables);
        world = new World(id, kit, dynamo, tables, API_KEY);

        Map<String, String> config = new HashMap<>();
        // "storeProxy": the functions reach dynalite through a proxy the test can freeze (world.dynamo() stays direct)
        config.put("quarkus.dynamodb.endpoint-override", Boolean.parseBoolean(args.getOrDefault("storeProxy", "false"))
                ? FreezableProxy.start(dynalite.endpoint()).endpoint() : dynalite.endpoint());
        config.put("kitbridge.kit.base-url", kit.baseUrl());
        if (Boolean.parseBoolean(args.getOrDefault("secretsManager", "false"))) {
            // secrets by reference only: the SDK reads them from the local GetSecretValue stand-in
            SecretsManagerStandIn secrets = SecretsManagerStandIn.shared();
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
            config.put("kitbridge.secrets.endpoint-override", secrets.endpoint());
            config.put("kitbridge.secrets.region", "us-east-1");
            config.put("kitbridge.kit.api-key-secret-arn", secrets.put(id + "-kit-api-key", API_KEY));
            config.put("kitbridge.oauth.client-secret-arn", secrets.put(id + "-oauth-client-secret",
                    kit.config().oauthClientSecret()));
        } else {
            config.put("kitbridge.kit.api-key", API_KEY);
        }
        config.put("kitbridge.tables.connections", tables.connections());
        config.put("kitbridge.tables.control", tables.control());
        config.put("kitbridge.tables.mirror", tables.mirror());
        config.put("kitbridge.budget.window", window.toMillis() + "ms");
        config.put("kitbridge.budget.api-key-limit", Integer.toString(limit));
        config.put("kitbridge.budget.oauth-limit", Integer.toString(oauthLimit));
        config.put("kitbridge.budget.safety-margin", args.getOrDefault("margin", "50ms"));
        config.put("kitbridge.kit.retry.delay", "20ms");
        config.put("kitbridge.kit.retry.jitter", "10ms");
        config.put("kitbridge.kit.retry.max-delay", "200ms");
        if (args.containsKey("function")) {
            config.put("quarkus.funqy.export", args.get("function"));
        }
        args.forEach((k, v) -> {
            if (k.startsWith("kitbridge.") || k.startsWith("quarkus.")) {
                config.put(k, v);
            }
        });
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(world, new TestInjector.MatchesType(World.class));
    }

    @Override
    public void stop() {
        if (world != null) {
            world.kit().close();
            world.dynamo().close();
        }
    }

    public static DynamoDbClient client(String endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .build();
    }

    public static TableNames tableNames(String prefix) {
        return new TableNames() {
            @Override
            public String connections() {
                return prefix + "-connections";
            }

            @Override
            public String control() {
                return prefix + "-control";
            }

            @Override
            public String mirror() {
                return prefix + "-mirror";
            }
        };
    }

    private static synchronized String nextId() {
        return "w" + ProcessHandle.current().pid() + "x" + (++counter);
    }
}
