package io.kitbridge.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kitbridge.store.FunctionPermissions;
import io.kitbridge.testing.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** template.yaml agrees with the code: functions, tables, IAM, routes, the state machine's substitutions. */
class TemplateTest {
    static final JsonNode TEMPLATE = Template.read();
    static final JsonNode RESOURCES = TEMPLATE.path("Resources");

    static Map<String, JsonNode> functions() {
        Map<String, JsonNode> out = new TreeMap<>();
        RESOURCES.fields().forEachRemaining(e -> {
            if ("AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    static String export(JsonNode function) {
        return function.path("Properties").path("Environment").path("Variables").path("QUARKUS_FUNQY_EXPORT").asText();
    }

    static Set<String> funqNamesInCode() throws IOException {
        return capturedInMain(Pattern.compile("@Funq\\(\"([^\"]+)\"\\)"));
    }

    /** Group 1 of every match of {@code pattern} in src/main. */
    static Set<String> capturedInMain(Pattern pattern) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = pattern.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void should_deploy_exactly_the_functions_the_code_exports() throws IOException {
        Set<String> deployed = new TreeSet<>();
        functions().values().forEach(f -> deployed.add(export(f)));
        assertEquals(funqNamesInCode(), deployed);
        assertEquals(Set.of("provision", "deprovision", "lookup", "sync-page", "webhook-handler", "setup", "oauth", "scim"),
                deployed);
        assertEquals(FunctionPermissions.BY_FUNCTION.keySet(), deployed);
    }

    @Test
    void should_point_table_env_vars_at_existing_table_resources() {
        JsonNode env = TEMPLATE.path("Globals").path("Function").path("Environment").path("Variables");
        Map<String, String> expected = Map.of("KITBRIDGE_TABLES_CONNECTIONS", "Connections", "KITBRIDGE_TABLES_CONTROL", "Control",
                "KITBRIDGE_TABLES_MIRROR", "Mirror");
        expected.forEach((var, table) -> {
            assertEquals(table, env.path(var).asText(), var);
            assertEquals("AWS::DynamoDB::Table", RESOURCES.path(table).path("Type").asText(), table);
        });
        // every !Ref/!GetAtt in the functions' environments names a resource or a parameter
        functions().values().forEach(f -> f.path("Properties").path("Environment").path("Variables").fields()
                .forEachRemaining(v -> assertFalse(v.getValue().asText().isBlank(), v.getKey())));
    }

    @Test
    void should_grant_each_function_exactly_the_dynamodb_actions_its_code_uses() {
        for (Map.Entry<String, JsonNode> f : functions().entrySet()) {
            String export = export(f.getValue());
            Map<String, Set<String>> granted = new TreeMap<>();
            for (JsonNode policy : f.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("Statement")) {
                    Set<String> actions = new TreeSet<>();
                    statement.path("Action").forEach(a -> actions.add(a.asText()));
                    if (statement.path("Action").isTextual()) {
                        actions.add(statement.path("Action").asText());
                    }
                    Set<String> dynamo = new TreeSet<>();
                    actions.stream().filter(a -> a.startsWith("dynamodb:")).forEach(a -> dynamo.add(a.substring(9)));
                    if (dynamo.isEmpty()) {
                        continue;
                    }
                    assertFalse(dynamo.contains("*"), "no wildcard actions");
                    for (JsonNode resource : statement.path("Resource")) {
                        String r = resource.asText();
                        if (r.endsWith(".Arn")) {
                            granted.computeIfAbsent(r.substring(0, r.length() - 4), k -> new TreeSet<>()).addAll(dynamo);
                        } else {
                            assertTrue(r.contains("/index/"), "only table ARNs and their indexes: " + r);
                        }
                    }
                }
            }
            Map<String, Set<String>> code = new TreeMap<>();
            FunctionPermissions.BY_FUNCTION.get(export).forEach((t, a) -> code.put(t, new TreeSet<>(a)));
            assertEquals(code, granted, export + ": template.yaml grants must equal FunctionPermissions");
        }
    }

    @Test
    void should_route_http_api_paths_to_the_right_functions() {
        Map<String, String> routes = new HashMap<>();
        functions().values().forEach(f -> f.path("Properties").path("Events").forEach(e -> {
            if ("HttpApi".equals(e.path("Type").asText())) {
                routes.put(e.path("Properties").path("Method").asText() + " " + e.path("Properties").path("Path").asText(), export(f));
            }
        }));
        assertEquals(Map.of("POST /webhooks/{account}", "webhook-handler", "GET /oauth/start", "oauth",
                "GET /oauth/callback", "oauth", "ANY /scim/v2/{account}/{proxy+}", "scim"), routes);
        JsonNode api = RESOURCES.path("HttpApi").path("Properties");
        assertTrue(api.path("DefaultRouteSettings").path("ThrottlingRateLimit").asInt() > 0, "throttling");
        assertFalse(api.path("AccessLogSettings").path("DestinationArn").isMissingNode(), "access logs");
    }

    @Test
    void should_resolve_every_placeholder_of_the_state_machine_definition() throws IOException {
        JsonNode machine = RESOURCES.path("SyncStateMachine").path("Properties");
        Path asl = Path.of(machine.path("DefinitionUri").asText());
        assertTrue(Files.exists(asl), "DefinitionUri " + asl);
        String definition = Files.readString(asl);
        new ObjectMapper().readTree(definition); // valid JSON
        Set<String> placeholders = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(definition);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        Set<String> substitutions = new TreeSet<>();
        machine.path("DefinitionSubstitutions").fieldNames().forEachRemaining(substitutions::add);
        assertEquals(substitutions, placeholders, "ASL placeholders vs DefinitionSubstitutions");
        machine.path("DefinitionSubstitutions").forEach(v -> {
            String text = v.asText();
            String target = text.contains(".") && !text.contains(":") ? text.substring(0, text.indexOf('.')) : null;
            if (target != null) {
                assertFalse(RESOURCES.path(target).isMissingNode(), "substitution names a missing resource: " + text);
            }
        });
    }

    @Test
    void should_let_provision_batch_invoke_only_provision_and_log_to_its_own_group_when_deployed() throws IOException {
        // GIVEN the provision-batch state machine of issue 17
        JsonNode machine = RESOURCES.path("ProvisionBatchStateMachine").path("Properties");
        // THEN its definition exists and every placeholder is substituted with provision's alias
        Path asl = Path.of(machine.path("DefinitionUri").asText());
        assertTrue(Files.exists(asl), "DefinitionUri " + asl);
        Set<String> placeholders = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(Files.readString(asl));
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        assertEquals(Set.of("ProvisionFunctionArn"), placeholders);
        assertEquals("ProvisionFunction.Alias", machine.path("DefinitionSubstitutions").path("ProvisionFunctionArn").asText());
        // AND its role may invoke provision and nothing else (no DynamoDB, no StartExecution, no other function)
        Set<String> invokes = new TreeSet<>();
        Set<String> actions = new TreeSet<>();
        machine.path("Policies").forEach(p -> {
            if (p.has("LambdaInvokePolicy")) {
                invokes.add(p.path("LambdaInvokePolicy").path("FunctionName").asText());
            }
            p.path("Statement").forEach(st -> (st.path("Action").isArray() ? st.path("Action")
                    : new ObjectMapper().createArrayNode().add(st.path("Action").asText())).forEach(a -> actions.add(a.asText())));
        });
        assertEquals(Set.of("ProvisionFunction"), invokes);
        assertTrue(actions.stream().allMatch(a -> a.startsWith("logs:")), "only log delivery besides invoking: " + actions);
        // AND it logs to a log group of its own with the stack's retention
        String logGroup = machine.path("Logging").path("Destinations").get(0).path("CloudWatchLogsLogGroup")
                .path("LogGroupArn").asText();
        assertEquals("ProvisionBatchStateMachineLogs.Arn", logGroup);
        assertEquals("AWS::Logs::LogGroup", RESOURCES.path("ProvisionBatchStateMachineLogs").path("Type").asText());
        assertEquals("LogRetentionDays", RESOURCES.path("ProvisionBatchStateMachineLogs").path("Properties")
                .path("RetentionInDays").asText());
        // AND the batch functions' deadlines stay under their Timeout
        Map.of("ProvisionFunction", "KITBRIDGE_PROVISION_MAX_INVOCATION_TIME", "DeprovisionFunction",
                "KITBRIDGE_DEPROVISION_MAX_INVOCATION_TIME").forEach((function, variable) -> {
            JsonNode properties = RESOURCES.path(function).path("Properties");
            String budget = properties.path("Environment").path("Variables").path(variable).asText();
            assertTrue(budget.endsWith("s"), function + " " + budget);
            assertTrue(Integer.parseInt(budget.substring(0, budget.length() - 1)) < properties.path("Timeout").asInt(),
                    function + " " + budget);
        });
    }

    @Test
    void should_keep_secret_values_and_dynamic_references_out_of_every_environment() {
        // GIVEN every Environment block of the template (Globals and each function)
        List<JsonNode> environments = new ArrayList<>();
        environments.add(TEMPLATE.path("Globals").path("Function").path("Environment"));
        functions().values().forEach(f -> environments.add(f.path("Properties").path("Environment")));
        // WHEN their variables are read, THEN none resolves a secret into the configuration (issue 13: readable with
        // lambda:GetFunctionConfiguration, frozen into versions) and none carries a secret value variable
        for (JsonNode env : environments) {
            env.path("Variables").fields().forEachRemaining(v -> {
                assertFalse(v.getValue().toString().contains("resolve:secretsmanager"), v.getKey());
                assertFalse(v.getValue().toString().contains("resolve:ssm-secure"), v.getKey());
                assertFalse(Set.of("KITBRIDGE_KIT_API_KEY", "KITBRIDGE_OAUTH_CLIENT_SECRET").contains(v.getKey()),
                        v.getKey() + " must be passed by ARN");
            });
        }
        JsonNode globals = TEMPLATE.path("Globals").path("Function").path("Environment").path("Variables");
        assertTrue(globals.path("KITBRIDGE_KIT_API_KEY_SECRET_ARN").toString().contains("KitApiKeySecretArn"));
        assertTrue(globals.path("KITBRIDGE_OAUTH_CLIENT_SECRET_ARN").toString().contains("OAuthClientSecretArn"));
        // AND secret parameters hold ARNs, never values
        Set<String> secretish = new HashSet<>();
        TEMPLATE.path("Parameters").fields().forEachRemaining(p -> {
            if (p.getKey().toLowerCase().contains("secret") || p.getKey().toLowerCase().contains("key")) {
                secretish.add(p.getKey() + "=" + p.getValue().path("Default").asText());
            }
        });
        secretish.forEach(s -> assertTrue(s.endsWith("=") || s.contains("Arn="), "secret parameters hold ARNs, not values: " + s));
        assertEquals("KMS", RESOURCES.path("Mirror").path("Properties").path("SSESpecification").path("SSEType").asText());
        assertTrue(TEMPLATE.path("Globals").path("Function").path("KmsKeyArn").asText().contains("DataKey"));
    }

    @Test
    void should_grant_get_secret_value_on_exactly_the_secrets_each_function_reads() {
        // GIVEN which functions read which secret: Kit callers (API key of "default", OAuth client secret for refreshes),
        // scim (it provisions through provision), oauth (client secret for the code exchange); lookup reads neither
        Set<String> both = Set.of("KitApiKeySecretArn", "OAuthClientSecretArn");
        Map<String, Set<String>> expected = Map.of("provision", both, "deprovision", both, "sync-page", both,
                "webhook-handler", both, "setup", both, "scim", both, "oauth", Set.of("OAuthClientSecretArn"), "lookup", Set.of());
        for (Map.Entry<String, JsonNode> f : functions().entrySet()) {
            // WHEN its policy statements are read (conditional ones as [condition, statement, AWS::NoValue])
            Set<String> granted = new TreeSet<>();
            for (JsonNode policy : f.getValue().path("Properties").path("Policies")) {
                for (JsonNode entry : policy.path("Statement")) {
                    JsonNode statement = entry.isArray() ? entry.path(1) : entry;
                    String actions = statement.path("Action").toString();
                    if (!actions.contains("secretsmanager")) {
                        continue;
                    }
                    // THEN only GetSecretValue, on one parameter's ARN (no wildcard), under that parameter's condition
                    assertEquals("\"secretsmanager:GetSecretValue\"", actions, f.getKey());
                    String resource = statement.path("Resource").asText();
                    assertTrue(resource.endsWith("SecretArn") && !resource.contains("*"), f.getKey() + ": " + resource);
                    assertTrue(entry.isArray(), f.getKey() + ": a grant on an optional ARN must be conditional");
                    assertEquals(resource.startsWith("KitApiKey") ? "HasApiKeySecret" : "HasOAuthSecret", entry.path(0).asText());
                    granted.add(resource);
                }
            }
            assertEquals(new TreeSet<>(expected.get(export(f.getValue()))), granted, export(f.getValue()));
        }
    }

    @Test
    void should_retain_and_protect_stateful_resources_and_condition_the_scheduler_trust() {
        // GIVEN the KMS key and the three tables
        for (String id : List.of("DataKey", "Connections", "Control", "Mirror")) {
            JsonNode resource = RESOURCES.path(id);
            // THEN a stack deletion or a replacing update keeps them
            assertEquals("Retain", resource.path("DeletionPolicy").asText(), id);
            assertEquals("Retain", resource.path("UpdateReplacePolicy").asText(), id);
            if (!id.equals("DataKey")) {
                assertTrue(resource.path("Properties").path("DeletionProtectionEnabled").asBoolean(), id);
            }
        }
        // AND the scheduler role can be assumed only on behalf of this account (confused deputy)
        JsonNode trust = RESOURCES.path("SchedulerRole").path("Properties").path("AssumeRolePolicyDocument").path("Statement");
        for (JsonNode statement : trust) {
            assertEquals("AWS::AccountId", statement.path("Condition").path("StringEquals").path("aws:SourceAccount").asText());
        }
    }

    @Test
    void should_answer_scim_within_the_http_api_integration_timeout() {
        // API Gateway HTTP APIs give up after 30 s; a slower function would leave the IdP with a bare 503
        JsonNode scim = RESOURCES.path("ScimFunction").path("Properties");
        assertTrue(scim.path("Timeout").asInt() > 0 && scim.path("Timeout").asInt() < 30, scim.path("Timeout").toString());
        assertEquals("ScimFunctionLogs", scim.path("LoggingConfig").path("LogGroup").toString().replaceAll("[^A-Za-z]", "")
                .replace("Ref", ""));
    }

    @Test
    void should_offer_native_and_jvm_packaging() {
        JsonNode globals = TEMPLATE.path("Globals").path("Function");
        assertEquals("[\"IsNative\",\"provided.al2023\",\"java21\"]", globals.path("Runtime").toString());
        // jvm: kitbridge's handler, so errorType is io.kitbridge.errors.<Type> and not Funqy's wrapper class
        assertTrue(globals.path("Handler").toString().contains("io.kitbridge.common.KitbridgeLambdaHandler::handleRequest"));
        assertTrue(Files.exists(Path.of("src/main/java/io/kitbridge/common/KitbridgeLambdaHandler.java")));
        assertTrue(globals.path("SnapStart").toString().contains("PublishedVersions"));
        assertTrue(TEMPLATE.path("Parameters").path("Architecture").path("AllowedValues").toString().contains("arm64"));
    }

    // ------------------------------------------------------------------ operations: logs, alarms, schedules, dashboard

    static Map<String, JsonNode> alarms() {
        Map<String, JsonNode> out = new TreeMap<>();
        RESOURCES.fields().forEachRemaining(e -> {
            if ("AWS::CloudWatch::Alarm".equals(e.getValue().path("Type").asText())) {
                out.put(e.getKey(), e.getValue().path("Properties"));
            }
        });
        return out;
    }

    /** Names passed to Emf's metric(...) in src/main: the kitbridge metrics that exist. */
    static Set<String> emittedMetrics() throws IOException {
        return capturedInMain(Pattern.compile("\\.metric\\(\"([A-Za-z0-9]+)\""));
    }

    @Test
    void should_write_json_logs_when_deployed() {
        // Lambda's JSON log format: the functions' lines are JSON already, Lambda's own (and the Java runtime's) become so
        assertEquals("JSON", TEMPLATE.path("Globals").path("Function").path("LoggingConfig").path("LogFormat").asText());
        functions().forEach((id, f) -> assertTrue(f.path("Properties").path("LoggingConfig").has("LogGroup"), id));
    }

    @Test
    void should_alarm_on_system_failures_and_not_on_business_outcomes() throws IOException {
        Map<String, JsonNode> alarms = alarms();
        // typed system failures, across functions
        for (String type : Set.of("KitUnavailable", "StoreUnavailable", "SecretUnavailable", "Unexpected")) {
            JsonNode alarm = alarms.get(type + "Errors");
            assertTrue(alarm != null, "alarm on " + type);
            assertEquals("kitbridge", alarm.path("Namespace").asText());
            assertEquals("Errors", alarm.path("MetricName").asText());
            assertEquals("[{\"Name\":\"ErrorType\",\"Value\":\"" + type + "\"}]", alarm.path("Dimensions").toString());
        }
        // per function: Lambda's Errors minus the typed ones (crashes, timeouts), and throttles
        functions().forEach((id, f) -> {
            JsonNode errors = alarms.get(id + "Errors");
            assertTrue(errors != null, id + "Errors");
            String metrics = errors.path("Metrics").toString();
            assertTrue(metrics.contains("\"Expression\":\"FILL(lambdaErrors, 0) - FILL(typedErrors, 0)\""), metrics);
            assertTrue(metrics.contains("{\"Namespace\":\"AWS/Lambda\",\"MetricName\":\"Errors\",\"Dimensions\":[{\"Name\":\"FunctionName\",\"Value\":\"" + id + "\"}]}"), metrics);
            assertTrue(metrics.contains("{\"Namespace\":\"kitbridge\",\"MetricName\":\"Errors\",\"Dimensions\":[{\"Name\":\"Function\",\"Value\":\"" + export(f) + "\"}]}"), metrics);
            assertEquals("Throttles", alarms.get(id + "Throttles").path("MetricName").asText(), id);
        });
        // no alarm watches Lambda's Errors as such, or a business outcome
        Set<String> business = new TreeSet<>(io.kitbridge.errors.ErrorTypes.names());
        business.removeAll(io.kitbridge.errors.ErrorTypes.TRANSIENT);
        alarms.forEach((id, a) -> {
            assertFalse("AWS/Lambda".equals(a.path("Namespace").asText()) && "Errors".equals(a.path("MetricName").asText()),
                    id + " alarms on every function error, business outcomes included");
            business.forEach(type -> assertFalse(a.toString().contains("\"Value\":\"" + type + "\""), id + " alarms on " + type));
        });
        // and every kitbridge metric an alarm reads is one the code writes
        Set<String> emitted = emittedMetrics();
        alarms.forEach((id, a) -> {
            if ("kitbridge".equals(a.path("Namespace").asText())) {
                assertTrue(emitted.contains(a.path("MetricName").asText()), id);
            }
        });
    }

    @Test
    void should_count_failed_timed_out_and_aborted_executions_when_alarming_on_sync_failures() {
        JsonNode alarm = alarms().get("SyncFailures");
        String metrics = alarm.path("Metrics").toString();
        assertTrue(metrics.contains("FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)"), metrics);
        for (String name : new String[] {"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"}) {
            assertTrue(metrics.contains("{\"Namespace\":\"AWS/States\",\"MetricName\":\"" + name
                    + "\",\"Dimensions\":[{\"Name\":\"StateMachineArn\",\"Value\":\"SyncStateMachine\"}]}"), name);
        }
    }

    @Test
    void should_retry_every_schedule_and_keep_what_it_could_not_start_in_an_alarmed_dead_letter_queue() {
        JsonNode schedules = TEMPLATE.path("Resources").path("Fn::ForEach::SyncSchedules").get(2);
        assertEquals(2, schedules.size());
        schedules.forEach(schedule -> {
            JsonNode target = schedule.path("Properties").path("Target");
            assertTrue(target.path("RetryPolicy").path("MaximumRetryAttempts").asInt() > 0, schedule.toString());
            assertTrue(target.path("RetryPolicy").path("MaximumEventAgeInSeconds").asInt() >= 60, schedule.toString());
            assertEquals("SyncScheduleDeadLetters.Arn", target.path("DeadLetterConfig").path("Arn").asText());
            assertEquals("SchedulerRole.Arn", target.path("RoleArn").asText());
        });
        assertEquals("AWS::SQS::Queue", RESOURCES.path("SyncScheduleDeadLetters").path("Type").asText());
        assertTrue(RESOURCES.path("SyncScheduleDeadLetters").path("Properties").path("SqsManagedSseEnabled").asBoolean());
        JsonNode alarm = alarms().get("SyncScheduleDeadLettersAlarm");
        assertEquals("AWS/SQS", alarm.path("Namespace").asText());
        assertEquals("ApproximateNumberOfMessagesVisible", alarm.path("MetricName").asText());
        assertEquals("SyncScheduleDeadLetters.QueueName", alarm.path("Dimensions").get(0).path("Value").asText());
        // the scheduler's role: start the state machine, send to its dead-letter queue, nothing else
        Map<String, String> grants = new TreeMap<>();
        RESOURCES.path("SchedulerRole").path("Properties").path("Policies").forEach(p -> p.path("PolicyDocument")
                .path("Statement").forEach(st -> grants.put(st.path("Action").asText(), st.path("Resource").asText())));
        assertEquals(Map.of("states:StartExecution", "SyncStateMachine", "sqs:SendMessage", "SyncScheduleDeadLetters.Arn"),
                grants);
    }

    @Test
    void should_let_the_state_machine_invoke_only_sync_page_and_start_only_itself_by_a_deterministic_name()
            throws IOException {
        JsonNode machine = RESOURCES.path("SyncStateMachine").path("Properties");
        JsonNode policies = machine.path("Policies");
        assertEquals("SyncPageFunction", policies.get(0).path("LambdaInvokePolicy").path("FunctionName").asText());
        JsonNode start = policies.get(1).path("Statement").get(0);
        assertEquals("states:StartExecution", start.path("Action").asText());
        assertEquals(machine.path("DefinitionSubstitutions").path("SyncStateMachineArn").asText(), start.path("Resource").asText());
        JsonNode handover = new ObjectMapper().readTree(Path.of(machine.path("DefinitionUri").asText()).toFile())
                .path("States").path("ContinueAsNewExecution").path("Parameters");
        assertEquals("$.nextExecutionName", handover.path("Name.$").asText());
    }

    @Test
    void should_show_budget_429s_sync_webhooks_and_errors_by_type_on_the_dashboard() throws IOException {
        JsonNode dashboard = RESOURCES.path("OperationsDashboard");
        assertEquals("AWS::CloudWatch::Dashboard", dashboard.path("Type").asText());
        String body = dashboard.path("Properties").path("DashboardBody").asText().replaceAll("\\$\\{[^}]+}", "X");
        JsonNode widgets = new ObjectMapper().readTree(body).path("widgets");
        Set<String> shown = new TreeSet<>();
        Pattern search = Pattern.compile("\\{kitbridge,([A-Za-z]+)} MetricName=\"([A-Za-z0-9]+)\"");
        widgets.forEach(w -> {
            Matcher m = search.matcher(w.path("properties").path("metrics").toString().replace("\\\"", "\""));
            while (m.find()) {
                shown.add(m.group(2) + " by " + m.group(1));
            }
        });
        for (String needed : new String[] {"PermitsGranted by Credential", "PermitWaitMillis by Credential",
                "Kit429s by Credential", "SyncPages by Mode", "SyncRunSeconds by Mode", "SyncSkipped by Mode",
                "WebhookEvents by Outcome", "Errors by ErrorType"}) {
            assertTrue(shown.contains(needed), needed + " not on the dashboard: " + shown);
        }
        Set<String> emitted = emittedMetrics();
        shown.forEach(m -> assertTrue(emitted.contains(m.substring(0, m.indexOf(' '))), m + " is not written by the code"));
        assertTrue(body.contains("\"AWS/States\", \"ExecutionsFailed\""), "sync executions");
    }
}
