package io.kitbridge.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * CloudWatch embedded metric format: one metric event is one stdout line that is a JSON object with "_aws" at its
 * root (Lambda turns each stdout line into a log event; CloudWatch extracts metrics only from events that are pure
 * JSON, so these lines never go through the log formatter). Built with Jackson, never by string formatting.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
public final class Emf {
    public static final String NAMESPACE = "kitbridge";
    public static final String COUNT = "Count";
    public static final String MILLISECONDS = "Milliseconds";
    public static final String SECONDS = "Seconds";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object LOCK = new Object();

    private Emf() {
    }

    public static Event event() {
        return new Event();
    }

    /** The exported function's name (QUARKUS_FUNQY_EXPORT), the Function dimension of every event. */
    public static String function() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("quarkus.funqy.export", String.class).orElse("unknown");
        } catch (RuntimeException noConfig) {
            return "unknown";
        }
    }

    /** One EMF event: dimensions (string values), metrics with units, emitted as one line. */
    public static final class Event {
        private final Map<String, String> dimensions = new LinkedHashMap<>();
        private final List<List<String>> dimensionSets = new ArrayList<>();
        private final Map<String, Number> values = new LinkedHashMap<>();
        private final Map<String, String> units = new LinkedHashMap<>();

        private Event() {
        }

        public Event dimension(String name, String value) {
            dimensions.put(name, value == null || value.isBlank() ? "none" : value);
            return this;
        }

        /** A set of dimension names CloudWatch aggregates by; an empty set is the metric without dimensions. */
        public Event aggregate(String... names) {
            dimensionSets.add(List.of(names));
            return this;
        }

        public Event metric(String name, Number value, String unit) {
            values.put(name, value);
            units.put(name, unit);
            return this;
        }

        public void emit() {
            if (values.isEmpty()) {
                return;
            }
            String line = toJson(System.currentTimeMillis());
            synchronized (LOCK) {
                PrintStream out = System.out;
                out.println(line);
                out.flush();
            }
        }

        String toJson(long timestamp) {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode aws = root.putObject("_aws");
            aws.put("Timestamp", timestamp);
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode sets = directive.putArray("Dimensions");
            List<List<String>> chosen = dimensionSets.isEmpty() ? List.of(List.copyOf(dimensions.keySet())) : dimensionSets;
            for (List<String> set : chosen) {
                ArrayNode names = sets.addArray();
                set.forEach(names::add);
            }
            ArrayNode metrics = directive.putArray("Metrics");
            units.forEach((name, unit) -> metrics.addObject().put("Name", name).put("Unit", unit));
            dimensions.forEach(root::put);
            values.forEach((name, value) -> root.set(name, value.doubleValue() == value.longValue()
                    ? JSON.getNodeFactory().numberNode(value.longValue()) : JSON.getNodeFactory().numberNode(value.doubleValue())));
            // context for Logs Insights, not dimensions
            String requestId = LogContext.get(LogContext.REQUEST_ID);
            if (requestId != null) {
                root.put("requestId", requestId);
            }
            try {
                return JSON.writeValueAsString(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
