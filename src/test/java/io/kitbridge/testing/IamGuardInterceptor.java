package io.kitbridge.testing;

import io.kitbridge.store.FunctionPermissions;
import io.kitbridge.store.TableDefinitions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;

/**
 * IAM, in tests: every DynamoDB call a function makes (on the Lambda poll-loop thread) must be one that
 * {@link FunctionPermissions} grants that function — the same list template.yaml grants on AWS. Anything else
 * fails like an AccessDenied would, so a missing grant shows up here and not in production.
 */
public final class IamGuardInterceptor implements ExecutionInterceptor {
    /** Every (function, table, action) seen, for reports. */
    public static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    /** DynamoDB requests made by functions (on the Lambda thread) so far: tests measure what a request cost. */
    public static final java.util.concurrent.atomic.AtomicLong FUNCTION_CALLS = new java.util.concurrent.atomic.AtomicLong();
    /** The latest DynamoDB requests made by functions (newest last, at most 200): tests check what was read. */
    public static final java.util.concurrent.ConcurrentLinkedDeque<SdkRequest> RECENT = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** DynamoDB requests made by functions so far, by operation name (benchmarks print what a person costs). */
    public static final Map<String, java.util.concurrent.atomic.AtomicLong> BY_OPERATION = new ConcurrentHashMap<>();

    /** A copy of {@link #BY_OPERATION}: subtract two to get what the work in between cost. */
    public static Map<String, Long> operations() {
        Map<String, Long> out = new java.util.TreeMap<>();
        BY_OPERATION.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Calls by operation between two {@link #operations()} snapshots (operations that were not called left out). */
    public static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> out = new java.util.TreeMap<>();
        operations().forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!Thread.currentThread().getName().startsWith("Lambda Thread")) {
            return; // test setup and assertions, not the function
        }
        FUNCTION_CALLS.incrementAndGet();
        RECENT.addLast(context.request());
        while (RECENT.size() > 200) {
            RECENT.pollFirst();
        }
        String function = ConfigProvider.getConfig().getOptionalValue("quarkus.funqy.export", String.class).orElse("?");
        String action = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        BY_OPERATION.computeIfAbsent(action, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        for (String table : tablesOf(context.request())) {
            String logical = logicalId(table).orElse(table);
            SEEN.add(function + " " + logical + " " + action);
            Set<String> granted = FunctionPermissions.BY_FUNCTION.getOrDefault(function, Map.of()).getOrDefault(logical, Set.of());
            if (!granted.contains(action)) {
                throw SdkClientException.create("AccessDenied (test IAM): function " + function + " is not granted dynamodb:"
                        + action + " on " + logical + " — add it to FunctionPermissions and template.yaml if intended");
            }
        }
    }

    private static Set<String> tablesOf(SdkRequest request) {
        if (request instanceof BatchWriteItemRequest batch) {
            return batch.requestItems().keySet();
        }
        if (request instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest batch) {
            return batch.requestItems().keySet();
        }
        return request.getValueForField("TableName", String.class).map(Set::of).orElse(Set.of());
    }

    private static Optional<String> logicalId(String table) {
        Map<String, String> names = new HashMap<>();
        var config = ConfigProvider.getConfig();
        config.getOptionalValue("kitbridge.tables.connections", String.class).ifPresent(n -> names.put(n, TableDefinitions.CONNECTIONS));
        config.getOptionalValue("kitbridge.tables.control", String.class).ifPresent(n -> names.put(n, TableDefinitions.CONTROL));
        config.getOptionalValue("kitbridge.tables.mirror", String.class).ifPresent(n -> names.put(n, TableDefinitions.MIRROR));
        return Optional.ofNullable(names.get(table));
    }
}
