package dev.sieve.gate.batch;

import dev.sieve.gate.JsonLog;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.metrics.Metrics.Metric;
import java.util.Map;

/** Completion events as a JSON log line ({@code "message":"job completed"}) and EMF metrics. */
public final class LogCompletionEvents implements CompletionEvents {
    private final Metrics metrics;

    public LogCompletionEvents(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void jobCompleted(JobCompleted event) {
        JsonLog.info(
                "job completed",
                Map.of(
                        "tenant", event.tenant(),
                        "job_id", event.jobId(),
                        "manifest", event.manifest(),
                        "output", event.output(),
                        "items", event.items(),
                        "lost", event.lost(),
                        "duplicates", event.duplicates()));
        metrics.record(
                Map.of("mode", "batch"),
                Map.of(
                        "JobsCompleted", Metric.count(1),
                        "JobItems", Metric.count(event.items()),
                        "JobItemsLost", Metric.count(event.lost())),
                Map.of(MetricNames.TENANT, event.tenant()));
    }

    @Override
    public void jobFailed(JobFailed event) {
        JsonLog.info(
                "job failed", Map.of("job_id", event.jobId(), "manifest", event.manifest(), "reason", event.reason()));
        metrics.record(
                Map.of("mode", "batch"),
                Map.of("JobsFailed", Metric.count(1)),
                Map.of(MetricNames.TENANT, event.tenant()));
    }
}
