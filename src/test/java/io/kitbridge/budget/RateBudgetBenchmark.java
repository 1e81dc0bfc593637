package io.kitbridge.budget;

import io.kitbridge.sim.KitSimulator;
import io.kitbridge.sim.SimConfig;
import io.kitbridge.store.TableNames;
import io.kitbridge.store.TableSetup;
import io.kitbridge.testing.BenchReport;
import io.kitbridge.testing.Dynalite;
import io.kitbridge.testing.KitWorld;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Permits per second achieved against the limit, and DynamoDB calls per permit, for 1 and for 3 contending "Lambdas". */
@Tag("benchmark")
class RateBudgetBenchmark {
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final int LIMIT = 300;
    static final String KEY = "bench-key";

    @Test
    void budget_throughput_and_dynamodb_cost() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (int lambdas : new int[] {1, 3}) {
            try (KitSimulator kit = KitSimulator.start(SimConfig.defaults().withApiKeyLimit(LIMIT).withWindow(WINDOW)
                    .withApiKeys(Set.of(KEY)))) {
                TableNames tables = KitWorld.tableNames("bench" + System.nanoTime());
                TableSetup.createMissing(KitWorld.client(Dynalite.shared().endpoint()), tables);
                String budgetKey = "bench-" + System.nanoTime();
                List<BudgetedClient> clients = new ArrayList<>();
                for (int i = 0; i < lambdas; i++) {
                    clients.add(new BudgetedClient(KitWorld.client(Dynalite.shared().endpoint()), tables,
                            BudgetedClient.Config.of(WINDOW, LIMIT, Duration.ofMillis(250)), kit.baseUrl(), KEY, budgetKey));
                }
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger granted = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(lambdas * 2);
                long start = System.nanoTime();
                for (int t = 0; t < lambdas * 2; t++) {
                    BudgetedClient c = clients.get(t % lambdas);
                    pool.submit(() -> {
                        while (running.get()) {
                            c.get("/v4/tags", Priority.INTERACTIVE, Duration.ofSeconds(30));
                            granted.incrementAndGet();
                        }
                        return null;
                    });
                }
                Thread.sleep(WINDOW.toMillis() * 3);
                running.set(false);
                pool.shutdown();
                pool.awaitTermination(60, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - start) / 1e9;
                double perSecond = granted.get() / seconds;
                double limitPerSecond = LIMIT / (double) WINDOW.toSeconds();
                long dynamo = clients.stream().mapToLong(c -> c.metrics.dynamoCallCount()).sum();
                String key = lambdas + "-lambda" + (lambdas > 1 ? "s" : "");
                figures.put(key + ".permitsPerSecond", round(perSecond));
                figures.put(key + ".limitPerSecond", round(limitPerSecond));
                figures.put(key + ".ratioToLimit", round(perSecond / limitPerSecond));
                figures.put(key + ".dynamoCallsPerPermit", round((double) dynamo / granted.get()));
                figures.put(key + ".violations", kit.admin().violations());
                System.out.printf("BENCH budget %s: %.2f permits/s vs limit %.2f/s (%.1f%%), %.2f DynamoDB calls/permit, %d violations%n",
                        key, perSecond, limitPerSecond, 100 * perSecond / limitPerSecond, (double) dynamo / granted.get(),
                        kit.admin().violations());
            }
        }
        BenchReport.write("budget", figures);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
