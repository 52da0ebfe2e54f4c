package dev.sieve.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps that iterate in the order they were written. CDK renders a map's iteration order into the template
 * (an alarm's metric list, a dashboard's metric arrays, dimensions), and {@code Map.of} with two or more
 * entries iterates in an order that changes from one JVM to the next, so every {@code cdk diff} would show
 * updates nobody made. Every map of two or more entries handed to CDK comes from here.
 */
final class InOrder {
    private InOrder() {}

    static <V> Map<String, V> map(String k1, V v1, String k2, V v2) {
        Map<String, V> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return Collections.unmodifiableMap(map);
    }
}
