package io.kitbridge.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The results of a provision-batch execution, one control-table item per person (pk {@code provision-batch#<execution
 * ARN>}, sk the person's position in the input, zero-padded), so the final result set may exceed Step Functions'
 * 256 KB payload. DynamoDB rather than S3: the stack already has the table, its TTL and its key, and a rewrite after
 * a retried invocation is an idempotent overwrite of the same item. An invocation writes its slice's results in
 * BatchWriteItem calls of 25; {@link #page} reads them back in input order, a page at a time.
 */
@ApplicationScoped
public class BatchResults {
    public static final String PK_PREFIX = "provision-batch#";
    private static final String RESULT = "result";
    private static final String OUTCOME = "outcome";

    @Inject ControlStore control;

    @Inject ObjectMapper json;

    @Inject ProvisionConfig config;

    public static String key(String execution) {
        return PK_PREFIX + execution;
    }

    /** The execution a {@code resultsKey} names, or the value itself when it is already an execution ARN. */
    static String execution(String executionOrKey) {
        return executionOrKey.startsWith(PK_PREFIX) ? executionOrKey.substring(PK_PREFIX.length()) : executionOrKey;
    }

    static String position(int index) {
        return String.format("%07d", index);
    }

    void store(String execution, int offset, List<ProvisionResult> results) {
        List<ControlStore.NewItem> items = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            ProvisionResult r = results.get(i);
            try {
                items.add(new ControlStore.NewItem(key(execution), position(offset + i), Map.of(
                        RESULT, Items.s(json.writeValueAsString(r)), OUTCOME, Items.s(r.outcome()))));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result of " + r.email(), e);
            }
        }
        control.putAll(items, config.resultTtl());
    }

    /** Every stored result of the execution, in input order. */
    public List<ProvisionResult> read(String execution) {
        return control.partition(key(execution)).stream().map(this::result).toList();
    }

    /** One page of an execution's results. {@code cursor} continues after it; null: that was the last page. */
    public record Page(List<ProvisionResult> results, String cursor) {
    }

    /** Up to {@code limit} results in input order, after {@code cursor} (null: from the first person). */
    public Page page(String execution, String cursor, int limit) {
        ControlStore.Page page = control.page(key(execution), cursor, limit);
        return new Page(page.items().stream().map(this::result).toList(), page.after());
    }

    private ProvisionResult result(Map<String, AttributeValue> item) {
        try {
            return json.readValue(Items.strOr(item, RESULT, "{}"), ProvisionResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable batch result " + Items.strOr(item, "sk", "?"), e);
        }
    }
}
