package io.kitbridge.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.store.ControlStore;
import io.kitbridge.store.Items;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/**
 * The results of a provision-batch execution, one control-table item per person (pk {@code provision-batch#<execution
 * ARN>}, sk the person's position in the input, zero-padded), so the final result set may exceed Step Functions'
 * 256 KB payload. DynamoDB rather than S3: the stack already has the table, its TTL and its key, and a rewrite after
 * a retried invocation is an idempotent overwrite of the same item.
 */
@ApplicationScoped
public class BatchResults {
    public static final String PK_PREFIX = "provision-batch#";
    static final String RESULT = "result";
    static final String OUTCOME = "outcome";

    @Inject
    ControlStore control;

    @Inject
    ObjectMapper json;

    @Inject
    ProvisionConfig config;

    public static String key(String execution) {
        return PK_PREFIX + execution;
    }

    static String position(int index) {
        return String.format("%07d", index);
    }

    void store(String execution, int offset, List<ProvisionResult> results) {
        for (int i = 0; i < results.size(); i++) {
            ProvisionResult r = results.get(i);
            try {
                control.put(key(execution), position(offset + i), Map.of(RESULT, Items.s(json.writeValueAsString(r)),
                        OUTCOME, Items.s(r.outcome())), config.resultTtl());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the result of " + r.email(), e);
            }
        }
    }

    /** Every stored result of the execution, in input order. */
    public List<ProvisionResult> read(String execution) {
        return control.partition(key(execution)).stream().map(item -> {
            try {
                return json.readValue(Items.strOr(item, RESULT, "{}"), ProvisionResult.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable batch result " + Items.strOr(item, "sk", "?"), e);
            }
        }).toList();
    }
}
