package dev.sieve.shared.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes CloudWatch Embedded Metric Format records, one JSON object per line. In Lambda and on ECS
 * with the awslogs driver, CloudWatch turns these lines into metrics without any API call.
 */
public final class EmfMetrics implements Metrics {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String namespace;
    private final Map<String, String> defaultDimensions;
    private final Consumer<String> sink;
    private final Clock clock;

    private EmfMetrics(String namespace, Map<String, String> defaultDimensions, Consumer<String> sink, Clock clock) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.defaultDimensions = Map.copyOf(defaultDimensions);
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** EMF to standard output, with {@code service} as a default dimension. */
    public static EmfMetrics toStdout(String namespace, String service) {
        PrintStream out = System.out;
        return new EmfMetrics(
                namespace,
                Map.of("service", service),
                line -> {
                    synchronized (out) {
                        out.println(line);
                    }
                },
                Clock.systemUTC());
    }

    /** EMF to any line consumer (tests collect lines and assert on them). */
    public static EmfMetrics to(
            String namespace, Map<String, String> defaultDimensions, Consumer<String> sink, Clock clock) {
        return new EmfMetrics(namespace, defaultDimensions, sink, clock);
    }

    @Override
    public void record(Map<String, String> dimensions, Map<String, Metric> values) {
        record(dimensions, values, Map.of());
    }

    @Override
    public void record(Map<String, String> dimensions, Map<String, Metric> values, Map<String, String> properties) {
        if (values.isEmpty()) {
            return;
        }
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ArrayNode directives = aws.putArray("CloudWatchMetrics");
        ObjectNode directive = directives.addObject();
        directive.put("Namespace", namespace);
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
        ArrayNode metrics = directive.putArray("Metrics");
        defaultDimensions.forEach((k, v) -> {
            dimensionSet.add(k);
            root.put(k, v);
        });
        dimensions.forEach((k, v) -> {
            if (!defaultDimensions.containsKey(k)) {
                dimensionSet.add(k);
            }
            root.put(k, v);
        });
        values.forEach((name, metric) -> {
            metrics.addObject().put("Name", name).put("Unit", metric.unit().cloudWatchName());
            root.put(name, metric.value());
        });
        properties.forEach((k, v) -> {
            if (!root.has(k)) {
                root.put(k, v);
            }
        });
        sink.accept(root.toString());
    }
}
