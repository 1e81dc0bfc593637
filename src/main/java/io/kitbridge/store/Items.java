package io.kitbridge.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small conversions between Java values and DynamoDB attribute values. */
public final class Items {
    private Items() {
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    public static AttributeValue stringMap(Map<String, String> map) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, v == null ? AttributeValue.fromNul(true) : AttributeValue.fromS(v)));
        return AttributeValue.fromM(out);
    }

    public static AttributeValue stringList(Collection<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    public static AttributeValue numberList(Collection<? extends Number> values) {
        return AttributeValue.fromL(values.stream().map(v -> n(v.longValue())).toList());
    }

    public static Optional<String> str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
    }

    public static String strOr(Map<String, AttributeValue> item, String name, String fallback) {
        return str(item, name).orElse(fallback);
    }

    public static Optional<Long> num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? Optional.empty() : Optional.of(Long.parseLong(v.n()));
    }

    public static long numOr(Map<String, AttributeValue> item, String name, long fallback) {
        return num(item, name).orElse(fallback);
    }

    public static boolean boolOr(Map<String, AttributeValue> item, String name, boolean fallback) {
        AttributeValue v = item.get(name);
        return v == null || v.bool() == null ? fallback : v.bool();
    }

    public static Map<String, String> stringMapOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v != null && v.hasM()) {
            v.m().forEach((k, av) -> out.put(k, av.s()));
        }
        return out;
    }

    public static List<String> stringListOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null) {
            return List.of();
        }
        if (v.hasL()) {
            return v.l().stream().map(AttributeValue::s).toList();
        }
        if (v.hasSs()) {
            return List.copyOf(v.ss());
        }
        return List.of();
    }

    /** A list of numbers; an absent attribute is an empty list. */
    public static List<Long> numberListOf(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(n -> Long.parseLong(n.n())).toList();
    }

    /** Expiry enforced in code: DynamoDB TTL deletes up to days late and dynalite never deletes. */
    public static boolean isExpired(Map<String, AttributeValue> item, long nowEpochSeconds) {
        return num(item, Attr.EXPIRES_AT).map(exp -> exp <= nowEpochSeconds).orElse(false);
    }
}
