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
import java.util.HashMap;
import java.util.HashSet;
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
        Pattern funq = Pattern.compile("@Funq\\(\"([^\"]+)\"\\)");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = funq.matcher(Files.readString(f));
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
        assertEquals(Set.of("provision", "deprovision", "lookup", "sync-page", "webhook-handler", "setup", "oauth"), deployed);
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
                "GET /oauth/callback", "oauth"), routes);
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
    void should_keep_secrets_out_of_the_template() {
        JsonNode env = TEMPLATE.path("Globals").path("Function").path("Environment").path("Variables");
        assertTrue(env.path("KITBRIDGE_KIT_API_KEY").toString().contains("resolve:secretsmanager"));
        assertTrue(env.path("KITBRIDGE_OAUTH_CLIENT_SECRET").toString().contains("resolve:secretsmanager"));
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
    void should_offer_native_and_jvm_packaging() {
        JsonNode globals = TEMPLATE.path("Globals").path("Function");
        assertEquals("[\"IsNative\",\"provided.al2023\",\"java21\"]", globals.path("Runtime").toString());
        assertTrue(globals.path("Handler").toString().contains("io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest"));
        assertTrue(globals.path("SnapStart").toString().contains("PublishedVersions"));
        assertTrue(TEMPLATE.path("Parameters").path("Architecture").path("AllowedValues").toString().contains("arm64"));
    }
}
