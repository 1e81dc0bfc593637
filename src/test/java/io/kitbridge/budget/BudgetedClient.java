package io.kitbridge.budget;

import io.kitbridge.kit.KitErrors;
import io.kitbridge.store.TableNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A stand-in for one Lambda: its own RateBudget instance (own cache, own DynamoDB client) and its own HTTP
 * client, calling the Kit simulator the way the gateway does: permit first, 429 fed back to the budget.
 */
final class BudgetedClient {
    final RateBudget budget;
    final BudgetMetrics metrics;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String apiKey;
    private final String budgetKey;

    BudgetedClient(DynamoDbClient dynamo, TableNames tables, BudgetConfig config, String baseUrl, String apiKey, String budgetKey) {
        this.metrics = new BudgetMetrics();
        this.budget = new RateBudget();
        budget.dynamo = dynamo;
        budget.tables = tables;
        budget.config = config;
        budget.metrics = metrics;
        budget.clock = Clock.systemUTC();
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.budgetKey = budgetKey;
    }

    /** One GET through the budget; returns the HTTP status (429 reported to the shared budget). */
    int get(String path, Priority priority, Duration maxWait) {
        budget.acquire(budgetKey, budget.config.apiKeyLimit(), priority, maxWait);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .header("X-Kit-Api-Key", apiKey).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429) {
                Optional<String> retryAfter = response.headers().firstValue("Retry-After");
                budget.reportThrottled(budgetKey, Optional.ofNullable(KitErrors.parseRetryAfterHeader(retryAfter.orElse(null))));
            }
            return response.statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Config(Duration window, int apiKeyLimit, int oauthLimit, double interactiveReserve, int burst, Duration safetyMargin,
            Duration interactiveMaxWait, Duration initialBackoff, Duration maxBackoff, int maxContentionRetries)
            implements BudgetConfig {
        static Config of(Duration window, int limit, Duration margin) {
            return new Config(window, limit, limit * 5, 0.2, 2, margin, Duration.ofSeconds(5), Duration.ofMillis(500),
                    Duration.ofSeconds(60), 200);
        }
    }
}
