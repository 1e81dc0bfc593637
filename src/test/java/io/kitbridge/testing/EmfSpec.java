package io.kitbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a log event against CloudWatch's embedded metric format specification
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * root object with "_aws" {Timestamp: epoch millis, CloudWatchMetrics: [{Namespace, Dimensions: [[key, ...]],
 * Metrics: [{Name, Unit}]}]}; every dimension key a root member with a string value; every metric name a root
 * member with a number (or an array of up to 100 numbers); Unit one of CloudWatch's units; at most 30 dimensions
 * per set and 100 metrics per directive.
 */
public final class EmfSpec {
    public static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private EmfSpec() {
    }

    public static boolean isEmf(JsonNode event) {
        return event.isObject() && event.has("_aws");
    }

    /** The violations of the specification in this event; empty when it is a valid EMF event. */
    public static List<String> violations(JsonNode event) {
        List<String> out = new ArrayList<>();
        JsonNode aws = event.path("_aws");
        if (!aws.isObject()) {
            out.add("_aws is not an object");
            return out;
        }
        JsonNode ts = aws.path("Timestamp");
        if (!ts.isIntegralNumber() || ts.asLong() < 1_500_000_000_000L) {
            out.add("_aws.Timestamp is not epoch milliseconds: " + ts);
        }
        JsonNode directives = aws.path("CloudWatchMetrics");
        if (!directives.isArray() || directives.isEmpty()) {
            out.add("_aws.CloudWatchMetrics is not a non-empty array");
            return out;
        }
        for (JsonNode d : directives) {
            String ns = d.path("Namespace").asText("");
            if (!d.path("Namespace").isTextual() || ns.isEmpty() || ns.length() > 255) {
                out.add("Namespace missing or invalid: " + d.path("Namespace"));
            }
            JsonNode sets = d.path("Dimensions");
            if (!sets.isArray()) {
                out.add("Dimensions is not an array");
            } else {
                for (JsonNode set : sets) {
                    if (!set.isArray() || set.size() > 30) {
                        out.add("a dimension set is not an array of at most 30 keys: " + set);
                        continue;
                    }
                    Set<String> seen = new HashSet<>();
                    for (JsonNode key : set) {
                        JsonNode value = event.path(key.asText());
                        if (!key.isTextual() || !seen.add(key.asText())) {
                            out.add("dimension key not a unique string: " + key);
                        } else if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > 1024) {
                            out.add("dimension " + key.asText() + " has no string value at the root: " + value);
                        }
                    }
                }
            }
            JsonNode metrics = d.path("Metrics");
            if (!metrics.isArray() || metrics.isEmpty() || metrics.size() > 100) {
                out.add("Metrics is not an array of 1-100 definitions");
                continue;
            }
            for (JsonNode m : metrics) {
                String name = m.path("Name").asText("");
                if (name.isEmpty() || name.length() > 1024) {
                    out.add("metric without a valid Name: " + m);
                    continue;
                }
                if (m.has("Unit") && !UNITS.contains(m.path("Unit").asText())) {
                    out.add("metric " + name + " has unit " + m.path("Unit") + ", not a CloudWatch unit");
                }
                JsonNode value = event.path(name);
                boolean number = value.isNumber();
                boolean numbers = value.isArray() && value.size() <= 100 && !value.isEmpty();
                if (numbers) {
                    for (JsonNode v : value) {
                        numbers &= v.isNumber();
                    }
                }
                if (!number && !numbers) {
                    out.add("metric " + name + " has no numeric value at the root: " + value);
                }
            }
        }
        return out;
    }
}
