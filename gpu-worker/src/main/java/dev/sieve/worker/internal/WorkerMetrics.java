package dev.sieve.worker.internal;

import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.metrics.Metrics.Metric;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.tenant.Tenant;
import dev.sieve.worker.QueueRef;
import dev.sieve.worker.WorkerStats;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's counters and the one home of its metric names: every EMF metric the worker emits is
 * recorded here, with low-cardinality dimensions only (queue, kind).
 */
public final class WorkerMetrics {
    private final Metrics metrics;
    private final Clock clock;

    private final AtomicLong answeredItems = new AtomicLong();
    private final AtomicLong batchesRun = new AtomicLong();
    private final AtomicLong paddedTokens = new AtomicLong();
    private final AtomicLong usefulTokens = new AtomicLong();
    private final AtomicLong expertNanos = new AtomicLong();
    private final AtomicLong deadlineMisses = new AtomicLong();
    private final AtomicLong poisonMessages = new AtomicLong();
    private final AtomicLong releasedForVersion = new AtomicLong();
    private final AtomicLong itemErrors = new AtomicLong();
    private final AtomicLong gateFallbacks = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong cacheMisses = new AtomicLong();
    private final AtomicLong expertItems = new AtomicLong();
    private final AtomicLong transientRetries = new AtomicLong();
    private final Map<String, AtomicLong> releases = new java.util.concurrent.ConcurrentSkipListMap<>();
    private long lastTickAnswered;
    private long lastTickMillis;

    public WorkerMetrics(Metrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.lastTickMillis = clock.millis();
    }

    public void started() {
        lastTickMillis = clock.millis();
    }

    public void queueWait(QueueRef queue, long millis) {
        Metric wait = Metric.millis(Math.max(0, millis));
        metrics.record(dims(queue), Map.of("QueueWait", wait, MetricNames.EXPERT_QUEUE_LATENCY_MS, wait));
    }

    public void poison(QueueRef queue) {
        poisonMessages.incrementAndGet();
        metrics.record(dims(queue), Map.of("PoisonMessages", Metric.count(1)));
    }

    public void releasedForVersion(QueueRef queue) {
        releasedForVersion.incrementAndGet();
        metrics.record(dims(queue), Map.of("BundleVersionReleases", Metric.count(1)));
    }

    public void itemError(QueueRef queue) {
        itemErrors.incrementAndGet();
        metrics.record(dims(queue), Map.of("ItemErrors", Metric.count(1)));
    }

    /** Items answered with the gate's label because their deadline passed before their batch formed. */
    public void gateFallbacks(int items) {
        gateFallbacks.addAndGet(items);
        metrics.record(Map.of(), Map.of("DeadlineFallbacks", Metric.count(items)));
    }

    /**
     * Items answered from the response cache, and the expert time they saved (at this worker's mean
     * expert time per item so far).
     */
    public void cacheHits(int items) {
        if (items == 0) {
            return;
        }
        cacheHits.addAndGet(items);
        double perItemSeconds = expertNanos.get() / 1e9 / Math.max(1, expertItems.get());
        metrics.record(
                Map.of(),
                Map.of(
                        "CacheHits", Metric.count(items),
                        "CacheSavedExpertSeconds", Metric.seconds(items * perItemSeconds)));
    }

    /** Items the expert ran because no cached answer existed (cache on). */
    public void cacheMisses(int items) {
        if (items == 0) {
            return;
        }
        cacheMisses.addAndGet(items);
        metrics.record(Map.of(), Map.of("CacheMisses", Metric.count(items)));
    }

    /** A message held through a dependency outage, to be retried (TransientRetry). */
    public void transientRetry(QueueRef queue) {
        transientRetries.incrementAndGet();
        metrics.record(dims(queue), Map.of("TransientRetries", Metric.count(1)));
    }

    public void writeFailure(QueueRef queue) {
        metrics.record(dims(queue), Map.of("WriteFailures", Metric.count(1)));
    }

    public void written(int items) {
        answeredItems.addAndGet(items);
    }

    /** The write that completed a request or counted a job chunk. */
    public void completed(QueueMessage body) {
        metrics.record(
                Map.of("kind", body.kind().name()),
                Map.of(
                        "Completed",
                        Metric.count(1),
                        "EndToEndLatency",
                        Metric.millis(Math.max(0, clock.millis() - body.enqueuedAtEpochMs()))));
    }

    /** One expert batch: its size, padding, expert time and items already past their deadline. */
    public void batch(int items, long padded, long useful, long nanos, int misses, DynamicBatcher.Release release) {
        releases.computeIfAbsent(release.label(), r -> new AtomicLong()).incrementAndGet();
        metrics.record(Map.of("release", release.label()), Map.of("BatchesReleased", Metric.count(1)));
        batchesRun.incrementAndGet();
        expertItems.addAndGet(items);
        expertNanos.addAndGet(nanos);
        paddedTokens.addAndGet(padded);
        usefulTokens.addAndGet(useful);
        deadlineMisses.addAndGet(misses);
        Map<String, Metric> values = new LinkedHashMap<>();
        values.put("BatchSize", Metric.count(items));
        values.put("PaddingShare", Metric.percent(100.0 * (padded - useful) / Math.max(1, padded)));
        values.put("ExpertLatency", Metric.millis(nanos / 1e6));
        values.put("DeadlineMisses", Metric.count(misses));
        // Names the dashboard's items/s and cost per million items read (MetricNames, used by infra).
        values.put(MetricNames.EXPERT_ITEMS, Metric.count(items));
        values.put(MetricNames.EXPERT_BUSY_SECONDS, Metric.seconds(nanos / 1e9));
        metrics.record(Map.of(), values);
    }

    /**
     * Per-tenant usage of one batch: its items and its share of the batch's expert time by tokens, one
     * record per tenant with the tenant as an EMF property (never a dimension), under {@code usage=tenant}
     * so the totals of {@link #batch} stay the dashboard's. {@code sieve cost --by-tenant} turns these into
     * dollars.
     */
    public void tenantUsage(List<WorkItem> live, long nanos, long usefulTokens) {
        Map<String, long[]> byTenant = new LinkedHashMap<>(); // tenant -> {items, tokens}
        for (WorkItem w : live) {
            long[] usage = byTenant.computeIfAbsent(
                    Tenant.nameOrUnknown(w.message().body().requestId()), t -> new long[2]);
            usage[0]++;
            usage[1] += w.input().tokens();
        }
        byTenant.forEach((tenant, usage) -> metrics.record(
                Map.of("usage", MetricNames.TENANT_USAGE),
                Map.of(
                        MetricNames.EXPERT_ITEMS,
                        Metric.count(usage[0]),
                        MetricNames.EXPERT_BUSY_SECONDS,
                        Metric.seconds(nanos / 1e9 * usage[1] / Math.max(1, usefulTokens))),
                Map.of(MetricNames.TENANT, tenant)));
    }

    /** A heart-beat: throughput since the last one and the items in flight. Heart-beat thread only. */
    public void tick(int inFlightItems) {
        long now = clock.millis();
        long answered = answeredItems.get();
        double seconds = Math.max(0.001, (now - lastTickMillis) / 1000.0);
        metrics.record(
                Map.of(),
                Map.of(
                        "ItemsPerSecond", Metric.perSecond((answered - lastTickAnswered) / seconds),
                        "InFlightItems", Metric.count(inFlightItems)));
        lastTickAnswered = answered;
        lastTickMillis = now;
    }

    public long answeredItems() {
        return answeredItems.get();
    }

    public WorkerStats stats(int inFlightMessages) {
        return new WorkerStats(
                answeredItems.get(),
                batchesRun.get(),
                paddedTokens.get(),
                usefulTokens.get(),
                expertNanos.get(),
                deadlineMisses.get(),
                poisonMessages.get(),
                releasedForVersion.get(),
                itemErrors.get(),
                gateFallbacks.get(),
                cacheHits.get(),
                cacheMisses.get(),
                transientRetries.get(),
                inFlightMessages,
                releasesSoFar());
    }

    private Map<String, Long> releasesSoFar() {
        Map<String, Long> copy = new LinkedHashMap<>();
        releases.forEach((reason, n) -> copy.put(reason, n.get()));
        return copy;
    }

    private static Map<String, String> dims(QueueRef queue) {
        return Map.of("queue", queue.label());
    }
}
