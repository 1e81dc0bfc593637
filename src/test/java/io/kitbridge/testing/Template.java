package io.kitbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;

/** template.yaml as a tree (CloudFormation short tags such as !Ref read as plain scalars). */
public final class Template {
    private Template() {
    }

    public static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Path.of("template.yaml").toFile());
        } catch (IOException e) {
            throw new IllegalStateException("template.yaml unreadable: " + e.getMessage(), e);
        }
    }

    public static JsonNode resource(String logicalId) {
        JsonNode node = read().path("Resources").path(logicalId);
        if (node.isMissingNode()) {
            throw new AssertionError("template.yaml has no resource " + logicalId);
        }
        return node;
    }
}
