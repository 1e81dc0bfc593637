package io.kitbridge.store;

import java.util.Map;
import java.util.Set;

/**
 * The DynamoDB actions each function may perform, per table (logical ids of template.yaml). template.yaml grants
 * exactly these (a test compares), and in tests an SDK interceptor refuses any call outside them, as IAM would.
 * Query on the mirror includes its byEmail index.
 */
public final class FunctionPermissions {
    private static final Set<String> BUDGET = Set.of("GetItem", "UpdateItem");
    /** Reading the credential, and (OAuth) rotating tokens or marking a connection broken. */
    private static final Set<String> KIT_CALLER_CONNECTION = Set.of("GetItem", "UpdateItem");
    private static final Set<String> READ_CONNECTION = Set.of("GetItem");

    public static final Map<String, Map<String, Set<String>>> BY_FUNCTION = Map.of(
            "provision", Map.of(
                    TableDefinitions.CONNECTIONS, KIT_CALLER_CONNECTION,
                    // Query, BatchWriteItem: a provision-batch execution's results (BatchResults), staged people
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem", "Query", "BatchWriteItem")),
                    // BatchGetItem: a batch's mirror records read together; BatchWriteItem: desired states and audits
                    TableDefinitions.MIRROR, Set.of("BatchGetItem", "BatchWriteItem", "GetItem", "PutItem", "Query")),
            "deprovision", Map.of(
                    TableDefinitions.CONNECTIONS, KIT_CALLER_CONNECTION,
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem")),
                    TableDefinitions.MIRROR, Set.of("DeleteItem", "GetItem", "PutItem", "Query")),
            "lookup", Map.of(
                    TableDefinitions.CONNECTIONS, READ_CONNECTION,
                    TableDefinitions.MIRROR, Set.of("GetItem", "Query")),
            "sync-page", Map.of(
                    TableDefinitions.CONNECTIONS, KIT_CALLER_CONNECTION,
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem")),
                    TableDefinitions.MIRROR, Set.of("GetItem", "PutItem", "UpdateItem", "BatchWriteItem", "Query")),
            "webhook-handler", Map.of(
                    TableDefinitions.CONNECTIONS, KIT_CALLER_CONNECTION,
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem")),
                    // BatchGetItem: one read of every person a delivery names; BatchWriteItem: its audit entries
                    TableDefinitions.MIRROR, Set.of("GetItem", "BatchGetItem", "PutItem", "BatchWriteItem", "Query")),
            "setup", Map.of(
                    TableDefinitions.CONNECTIONS, Set.of("GetItem", "UpdateItem"),
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem")),
                    TableDefinitions.MIRROR, Set.of("PutItem")),
            "oauth", Map.of(
                    // Scan: the operator's {"action": "connections"} list (with a projection: no secret read)
                    TableDefinitions.CONNECTIONS, Set.of("GetItem", "UpdateItem", "Scan"),
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem")),
                    TableDefinitions.MIRROR, Set.of("PutItem")),
            // SCIM: token hashes and SCIM records in control (Query lists an account's records), provision/deprovision
            "scim", Map.of(
                    TableDefinitions.CONNECTIONS, KIT_CALLER_CONNECTION,
                    TableDefinitions.CONTROL, union(BUDGET, Set.of("PutItem", "DeleteItem", "Query")),
                    TableDefinitions.MIRROR, Set.of("DeleteItem", "GetItem", "PutItem", "Query")));

    private FunctionPermissions() {
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> out = new java.util.TreeSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}
