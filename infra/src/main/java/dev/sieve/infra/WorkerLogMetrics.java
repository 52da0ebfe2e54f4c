package dev.sieve.infra;

import dev.sieve.shared.metrics.MetricNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.constructs.Construct;

/**
 * The worker metrics the dashboard reads, lifted from the worker's JSON log lines by metric filters: the
 * awslogs driver does not extract Embedded Metric Format, so each filter publishes under the same
 * namespace, name and {@code service} dimension that EMF would give it.
 */
final class WorkerLogMetrics extends Concern {

    /** The metrics lifted (names from {@link MetricNames}). */
    static final List<String> METRICS =
            List.of(MetricNames.EXPERT_ITEMS, MetricNames.EXPERT_BUSY_SECONDS, MetricNames.EXPERT_QUEUE_LATENCY_MS);

    WorkerLogMetrics(Construct scope, String id, ILogGroup logGroup, String namespace) {
        super(scope, id);
        Objects.requireNonNull(logGroup, "logGroup");
        Objects.requireNonNull(namespace, "namespace");
        for (String name : METRICS) {
            MetricFilter.Builder.create(this, name + "Filter")
                    .logGroup(logGroup)
                    .metricNamespace(namespace)
                    .metricName(name)
                    .filterPattern(FilterPattern.all(
                            FilterPattern.stringValue("$." + MetricNames.SERVICE, "=", MetricNames.WORKER_SERVICE),
                            FilterPattern.numberValue("$." + name, ">=", 0)))
                    .metricValue("$." + name)
                    .dimensions(Map.of(MetricNames.SERVICE, "$." + MetricNames.SERVICE))
                    .build();
        }
    }
}
