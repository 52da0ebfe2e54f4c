package dev.sieve.worker;

import dev.sieve.contract.PayloadReader;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.internal.Acknowledger;
import dev.sieve.worker.internal.AnswerCache;
import dev.sieve.worker.internal.AwsResultSink;
import dev.sieve.worker.internal.DynamicBatcher;
import dev.sieve.worker.internal.DynamoDbResponseCache;
import dev.sieve.worker.internal.Heartbeat;
import dev.sieve.worker.internal.InFlight;
import dev.sieve.worker.internal.InferenceLoop;
import dev.sieve.worker.internal.Intake;
import dev.sieve.worker.internal.LeaseKeeper;
import dev.sieve.worker.internal.Poller;
import dev.sieve.worker.internal.ProtectionKeeper;
import dev.sieve.worker.internal.ResultWriter;
import dev.sieve.worker.internal.SqsMessageQueues;
import dev.sieve.worker.internal.Threads;
import dev.sieve.worker.internal.TransientRetry;
import dev.sieve.worker.internal.WorkItem;
import dev.sieve.worker.internal.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The GPU worker: wires the stages of its data flow, starts them and drains them. Shaped after
 * djl-serving's {@code wlm} and Temporal's worker:
 *
 * <pre>
 * Poller -> Intake (parse, payload, cache lookup, tokenize; pool) -> DynamicBatcher -> InferenceLoop (expert)
 *        -> ResultWriter (sink, then delete; pool)
 * LeaseKeeper (renew / release / delete), ProtectionKeeper, WorkerMetrics on one Heartbeat thread;
 * TransientRetry holds a message through a dependency outage (payload load or write) and retries it
 * </pre>
 *
 * <p>Threads: one poller, {@code tokenizerThreads} tokenizers, one inference thread, {@code writerThreads}
 * writers, one heart-beat scheduler and one acknowledger (batched deletes and visibility changes).
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final String bundleVersion;
    private final InFlight inFlight = new InFlight();
    private final DynamicBatcher<WorkItem> batcher;
    private final Acknowledger acks;
    private final Heartbeat heartbeat = new Heartbeat();
    private final WorkerMetrics metrics;
    private final LeaseKeeper leases;
    private final ProtectionKeeper protection;
    private final TransientRetry outages;
    private final ResultWriter writer;
    private final AnswerCache cache;
    private final Intake intake;
    private final InferenceLoop inference;
    private final Poller poller;
    private boolean started;
    private boolean drained;

    private Worker(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        Expert expert = Objects.requireNonNull(b.expert, "expert");
        this.bundleVersion = Objects.requireNonNull(b.bundleVersion, "bundleVersion");
        MessageQueues queues = Objects.requireNonNull(b.queues, "queues");
        ResultSink sink = Objects.requireNonNull(b.sink, "sink");
        Function<String, List<QueueItem>> payloads = b.payloads != null ? b.payloads : Worker::noPayloads;
        Clock clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.metrics = new WorkerMetrics(b.metrics != null ? b.metrics : Metrics.noop(), clock);
        this.batcher = DynamicBatcher.of(config);
        this.acks = new Acknowledger(queues);
        this.leases = new LeaseKeeper(inFlight, batcher, acks, queues, config.visibilityTimeout());
        this.protection = new ProtectionKeeper(
                b.protection != null ? b.protection : TaskProtection.none(), inFlight, heartbeat, clock);
        this.outages = new TransientRetry(heartbeat, leases, metrics, clock, config.outageHold());
        batcher.defer(outages::holdingPriority);
        this.writer = new ResultWriter(config, sink, leases, metrics, expert.labels(), outages);
        this.cache = new AnswerCache(
                b.responseCache != null ? b.responseCache : ResponseCache.none(),
                bundleVersion,
                config.cacheTtl(),
                config.cacheAcrossTenants());
        this.intake = new Intake(
                config, expert, bundleVersion, payloads, batcher, inFlight, leases, writer, cache, metrics, outages);
        this.inference = new InferenceLoop(batcher, expert, writer, cache, leases, metrics, b.batchListener, clock);
        this.poller = new Poller(config, queues, inFlight, leases, intake, outages, protection, clock);
    }

    private static List<QueueItem> noPayloads(String uri) {
        throw new IllegalStateException("this worker cannot read payload " + uri);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A worker on AWS (or its wire protocols), as {@link WorkerMain} runs it; the caller closes the clients. */
    public static Worker onAws(
            WorkerConfig config,
            Expert expert,
            String bundleVersion,
            SqsClient sqs,
            DynamoDbClient dynamoDb,
            S3Client s3,
            TaskProtection protection,
            Metrics metrics) {
        return awsBuilder(config, expert, bundleVersion, sqs, dynamoDb, s3)
                .protection(protection)
                .metrics(metrics)
                .build();
    }

    /** The builder behind {@link #onAws}, for callers that add more (a benchmark's batch listener). */
    public static Builder awsBuilder(
            WorkerConfig config,
            Expert expert,
            String bundleVersion,
            SqsClient sqs,
            DynamoDbClient dynamoDb,
            S3Client s3) {
        if (config.jobsQueueUrl().isEmpty()) {
            LOG.info(
                    "no {}: a batch job is assembled when its status is polled (GET /v1/jobs/{id})",
                    EnvironmentVariables.JOBS_QUEUE_URL);
        }
        return builder()
                .config(config)
                .expert(expert)
                .bundleVersion(bundleVersion)
                .queues(new SqsMessageQueues(sqs))
                .sink(new AwsResultSink(
                        dynamoDb,
                        s3,
                        config.tableName(),
                        config.bucketName(),
                        config.resultsTtl(),
                        Clock.systemUTC(),
                        sqs,
                        config.jobsQueueUrl()))
                .payloads(new PayloadReader(s3)::read)
                .responseCache(
                        new DynamoDbResponseCache(dynamoDb, config.tableName(), config.cacheTtl(), Clock.systemUTC()));
    }

    /** Starts polling and processing. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        metrics.started();
        long beat = Math.max(1000, config.visibilityTimeout().toMillis() / 3);
        heartbeat.start(beat, List.of(leases::renew, protection::update, () -> metrics.tick(inFlight.items())));
        inference.start();
        poller.start();
        LOG.info(
                "worker started: bundle {}, queues {}, batch <= {} items / {} tokens / {} ms",
                bundleVersion,
                poller.queues().stream().map(QueueRef::label).toList(),
                config.maxBatchItems(),
                config.maxBatchTokens(),
                config.maxWait().toMillis());
    }

    /**
     * Stops polling, lets in-flight work finish within {@code grace}, releases what is not finished
     * (visibility 0, so another worker takes it at once) and stops every thread. Idempotent; this is
     * what SIGTERM runs.
     */
    public synchronized void drain(Duration grace) {
        if (drained) {
            return;
        }
        drained = true;
        long deadline = System.nanoTime() + grace.toNanos();
        poller.stop();
        int released = outages.stopAndReleaseHeld(); // held through an outage: another worker retries now
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            Threads.sleep(20);
        }
        released += leases.releaseAllProcessing();
        batcher.close();
        inference.join(Duration.ofSeconds(30));
        intake.close();
        writer.close(Duration.ofSeconds(30));
        released += outages.stopAndReleaseHeld();
        cache.close(Duration.ofSeconds(5));
        heartbeat.close();
        protection.clear();
        acks.close();
        LOG.info(
                "worker drained: {} items answered, {} messages released unfinished",
                metrics.answeredItems(),
                released);
    }

    @Override
    public void close() {
        drain(config.drainGrace());
    }

    /** Counters since start (benchmarks and tests). */
    public WorkerStats stats() {
        return metrics.stats(inFlight.size());
    }

    /** Collaborators of a worker; the caller owns (and closes) the clients and the expert. */
    public static final class Builder {
        private WorkerConfig config;
        private Expert expert;
        private String bundleVersion;
        private MessageQueues queues;
        private ResultSink sink;
        private Function<String, List<QueueItem>> payloads;
        private TaskProtection protection;
        private Metrics metrics;
        private Clock clock;
        private Consumer<List<ExpertInput>> batchListener;
        private ResponseCache responseCache;

        private Builder() {}

        public Builder config(WorkerConfig config) {
            this.config = config;
            return this;
        }

        public Builder expert(Expert expert) {
            this.expert = expert;
            return this;
        }

        /** The bundle version this worker serves; messages for another are released. */
        public Builder bundleVersion(String bundleVersion) {
            this.bundleVersion = bundleVersion;
            return this;
        }

        public Builder queues(MessageQueues queues) {
            this.queues = queues;
            return this;
        }

        public Builder sink(ResultSink sink) {
            this.sink = sink;
            return this;
        }

        /** Reads the items of a message that carries a {@code payloadUri}. */
        public Builder payloads(Function<String, List<QueueItem>> payloads) {
            this.payloads = payloads;
            return this;
        }

        public Builder protection(TaskProtection protection) {
            this.protection = protection;
            return this;
        }

        public Builder metrics(Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Sees every batch's inputs before the expert runs it (benchmarks replay them). */
        public Builder batchListener(Consumer<List<ExpertInput>> batchListener) {
            this.batchListener = batchListener;
            return this;
        }

        /** Where expert answers are shared between workers (default: none, only this worker's memory). */
        public Builder responseCache(ResponseCache responseCache) {
            this.responseCache = responseCache;
            return this;
        }

        public Worker build() {
            return new Worker(this);
        }
    }
}
