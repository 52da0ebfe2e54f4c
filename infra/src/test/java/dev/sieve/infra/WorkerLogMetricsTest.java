package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.metrics.MetricNames;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class WorkerLogMetricsTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GpuWorkerService WORKER =
            SynthesizedSieve.DEFAULT.stack().worker();

    @Test
    void worker_metricsForTheDashboard_areLiftedFromItsLogs() {
        Set<String> names = properties(TEMPLATE, "AWS::Logs::MetricFilter").values().stream()
                .flatMap(f -> list(f.get("MetricTransformations")).stream())
                .map(t -> map(t).get("MetricName") + "@" + map(t).get("MetricNamespace"))
                .collect(Collectors.toSet());
        assertThat(names)
                .containsExactlyInAnyOrder(
                        MetricNames.EXPERT_ITEMS + "@Sieve",
                        MetricNames.EXPERT_BUSY_SECONDS + "@Sieve",
                        MetricNames.EXPERT_QUEUE_LATENCY_MS + "@Sieve");
    }
}
