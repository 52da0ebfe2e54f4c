package dev.sieve.worker;

import dev.sieve.contract.PayloadReader;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.metrics.Metrics.Metric;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.tenant.Tenant;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertException;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.internal.Acknowledger;
import dev.sieve.worker.internal.AwsResultSink;
import dev.sieve.worker.internal.DynamicBatcher;
import dev.sieve.worker.internal.InFlightMessage;
import dev.sieve.worker.internal.MessageQueues;
import dev.sieve.worker.internal.PollOrder;
import dev.sieve.worker.internal.QueueRef;
import dev.sieve.worker.internal.ReceivedMessage;
import dev.sieve.worker.internal.ResultMapper;
import dev.sieve.worker.internal.ResultSink;
import dev.sieve.worker.internal.SqsMessageQueues;
import dev.sieve.worker.internal.TaskProtection;
import dev.sieve.worker.internal.WorkItem;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The GPU worker: polls the queues by priority, tokenizes on a pool, batches dynamically, runs the
 * expert on one inference thread, writes results idempotently and only then deletes the messages.
 * Shaped after djl-serving's {@code WorkerThread}: get a batch, run it, respond; a failure fails
 * only that batch.
 *
 * <p>Threads: one poller, {@code tokenizerThreads} tokenizers (which also parse messages and fetch
 * S3 payloads), one inference thread, {@code writerThreads} result writers, one heart-beat
 * scheduler (visibility renewal, task protection, throughput metric) and one acknowledger
 * (batched deletes and visibility changes).
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final String REQUEST_ID = "request_id";
    private static final int TOKENIZE_SLICE = 16;
    private static final int PROTECTION_MINUTES = 15;
    private static final Duration PROTECTION_RENEW = Duration.ofMinutes(5);

    private final WorkerConfig config;
    private final Expert expert;
    private final List<String> labels;
    private final String bundleVersion;
    private final List<QueueRef> queueRefs;
    private final MessageQueues queues;
    private final ResultSink sink;
    private final Function<String, List<QueueItem>> payloads;
    private final TaskProtection protection;
    private final Metrics metrics;
    private final Clock clock;
    private final Consumer<List<ExpertInput>> batchListener;

    private final Map<String, InFlightMessage> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightItems = new AtomicInteger();
    private final DynamicBatcher<WorkItem> batcher;
    private final Acknowledger acks;
    private final ExecutorService tokenizers;
    private final ExecutorService writers;
    private final ScheduledExecutorService heartbeat;
    private final Thread poller;
    private final Thread inference;

    private final AtomicLong answeredItems = new AtomicLong();
    private final AtomicLong batchesRun = new AtomicLong();
    private final AtomicLong paddedTokens = new AtomicLong();
    private final AtomicLong usefulTokens = new AtomicLong();
    private final AtomicLong expertNanos = new AtomicLong();
    private final AtomicLong deadlineMisses = new AtomicLong();
    private final AtomicLong poisonMessages = new AtomicLong();
    private final AtomicLong releasedForVersion = new AtomicLong();
    private final AtomicLong itemErrors = new AtomicLong();
    private volatile boolean polling;
    private volatile boolean started;
    private volatile boolean drained;
    private volatile boolean protectedNow;
    private volatile long protectedAtMillis;
    private long lastTickAnswered;
    private long lastTickMillis;

    private Worker(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.expert = Objects.requireNonNull(b.expert, "expert");
        this.labels = expert.labels();
        this.bundleVersion = Objects.requireNonNull(b.bundleVersion, "bundleVersion");
        this.queues = Objects.requireNonNull(b.queues, "queues");
        this.sink = Objects.requireNonNull(b.sink, "sink");
        this.payloads = b.payloads != null
                ? b.payloads
                : uri -> {
                    throw new IllegalStateException("this worker cannot read payload " + uri);
                };
        this.protection = b.protection != null ? b.protection : TaskProtection.none();
        this.metrics = b.metrics != null ? b.metrics : Metrics.noop();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.batchListener = b.batchListener;
        List<QueueRef> refs = new ArrayList<>();
        for (Priority p : Priority.values()) {
            String url = config.queueUrls().get(p);
            if (url != null) {
                refs.add(new QueueRef(p, url));
            }
        }
        this.queueRefs = List.copyOf(refs);
        this.batcher = new DynamicBatcher<>(
                config.maxBatchItems(), config.maxBatchTokens(), config.maxWait(), config.starvationLimit());
        this.acks = new Acknowledger(queues);
        this.tokenizers = Executors.newFixedThreadPool(config.tokenizerThreads(), named("sieve-tokenizer"));
        this.writers = Executors.newFixedThreadPool(config.writerThreads(), named("sieve-writer"));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(named("sieve-heartbeat"));
        this.poller = Thread.ofPlatform().name("sieve-poller").unstarted(this::pollLoop);
        this.inference = Thread.ofPlatform().name("sieve-inference").unstarted(this::inferenceLoop);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A worker wired to real AWS services (or anything speaking their wire protocols): SQS queues,
     * DynamoDB / S3 result sinks and S3 payloads. Used by {@link WorkerMain} and by {@code sieve local};
     * the caller owns (and closes) the clients and the expert.
     */
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

    /**
     * The builder behind {@link #onAws}, with queues, result sink and payload reader wired to the given
     * clients; callers that need more (a benchmark's batch listener) add it before {@code build()}.
     */
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
                .payloads(new PayloadReader(s3)::read);
    }

    /** Starts polling and processing. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        polling = true;
        lastTickMillis = clock.millis();
        long beat = Math.max(1000, config.visibilityTimeout().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::tick, beat, beat, TimeUnit.MILLISECONDS);
        inference.start();
        poller.start();
        LOG.info(
                "worker started: bundle {}, queues {}, batch <= {} items / {} tokens / {} ms",
                bundleVersion,
                queueRefs.stream().map(QueueRef::label).toList(),
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
        polling = false;
        join(poller, Duration.ofSeconds(config.idlePollSeconds() + 15L));
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        int released = 0;
        for (InFlightMessage message : List.copyOf(inFlight.values())) {
            if (message.state() == InFlightMessage.State.PROCESSING && release(message, Duration.ZERO)) {
                released++;
            }
        }
        batcher.close();
        join(inference, Duration.ofSeconds(30));
        tokenizers.shutdownNow();
        writers.shutdown();
        awaitQuietly(writers, Duration.ofSeconds(30));
        heartbeat.shutdownNow();
        if (protectedNow) {
            protection.set(false, 0);
            protectedNow = false;
        }
        acks.close();
        LOG.info("worker drained: {} items answered, {} messages released unfinished", answeredItems.get(), released);
    }

    @Override
    public void close() {
        drain(config.drainGrace());
    }

    /** Counters since start (benchmarks and tests). */
    public Stats stats() {
        return new Stats(
                answeredItems.get(),
                batchesRun.get(),
                paddedTokens.get(),
                usefulTokens.get(),
                expertNanos.get(),
                deadlineMisses.get(),
                poisonMessages.get(),
                releasedForVersion.get(),
                itemErrors.get(),
                inFlight.size());
    }

    /** Counters since start. */
    public record Stats(
            long answeredItems,
            long batches,
            long paddedTokens,
            long usefulTokens,
            long expertNanos,
            long deadlineMisses,
            long poisonMessages,
            long releasedForVersion,
            long itemErrors,
            int inFlightMessages) {
        public double paddingShare() {
            return paddedTokens == 0 ? 0 : (double) (paddedTokens - usefulTokens) / paddedTokens;
        }
    }

    // ---------------------------------------------------------------- polling

    private void pollLoop() {
        PollOrder order = new PollOrder(queueRefs, config.starvationLimit());
        boolean idle = false;
        while (polling) {
            if (inFlightItems.get() >= config.maxInFlightItems()) {
                sleep(5);
                continue;
            }
            List<QueueRef> polled = new ArrayList<>();
            boolean received = false;
            for (QueueRef queue : order.next()) {
                if (!polling) {
                    break;
                }
                polled.add(queue);
                List<ReceivedMessage> messages;
                try {
                    messages = queues.receive(queue, idle ? config.idlePollSeconds() : 0, config.visibilityTimeout());
                } catch (RuntimeException e) {
                    LOG.warn("receive from the {} queue failed: {}", queue.label(), e.toString());
                    sleep(1000);
                    continue;
                }
                if (!messages.isEmpty()) {
                    accept(queue, messages);
                    received = true;
                    break;
                }
            }
            order.polled(polled);
            idle = !received;
        }
    }

    private void accept(QueueRef queue, List<ReceivedMessage> messages) {
        for (ReceivedMessage received : messages) {
            if (!polling) {
                acks.release(queue, received.receiptHandle(), Duration.ZERO);
                continue;
            }
            InFlightMessage message = new InFlightMessage(queue, received, clock.millis());
            InFlightMessage existing = inFlight.putIfAbsent(received.messageId(), message);
            if (existing != null) {
                // Redelivered while we still work on it (its lease lapsed): keep one copy, newest handle.
                existing.renewReceipt(received.receiptHandle());
                continue;
            }
            inFlightItems.incrementAndGet();
            tokenizers.execute(() -> intake(message, received.body()));
        }
        if (!protectedNow) {
            heartbeat.execute(this::updateProtection);
        }
    }

    /** On a tokenizer thread: parse, check the bundle version, load the payload, tokenize. */
    private void intake(InFlightMessage message, String rawBody) {
        QueueMessage body;
        try {
            body = Json.read(rawBody, QueueMessage.class);
        } catch (RuntimeException e) {
            poison(message, "body is not a queue message: " + e.getMessage());
            return;
        }
        try {
            MDC.put(REQUEST_ID, body.requestId());
            if (!bundleVersion.equals(body.bundleVersion())) {
                releasedForVersion.incrementAndGet();
                metrics.record(dims(message.queue()), Map.of("BundleVersionReleases", Metric.count(1)));
                LOG.info(
                        "message {} is for bundle {}, this worker serves {}; released for {} s",
                        message.messageId(),
                        body.bundleVersion(),
                        bundleVersion,
                        config.releaseDelay().toSeconds());
                release(message, config.releaseDelay());
                return;
            }
            List<QueueItem> items;
            try {
                items = body.items() != null ? body.items() : payloads.apply(body.payloadUri());
            } catch (RuntimeException e) {
                LOG.warn(
                        "message {} (receive {}): cannot load its items: {}",
                        message.messageId(),
                        message.receiveCount(),
                        e.getMessage());
                release(message, retryDelay(message));
                return;
            }
            message.parsed(body, items);
            inFlightItems.addAndGet(items.size() - 1);
            Metric queueWait = Metric.millis(Math.max(0, message.receivedAtMillis() - body.enqueuedAtEpochMs()));
            metrics.record(
                    dims(message.queue()),
                    Map.of("QueueWait", queueWait, MetricNames.EXPERT_QUEUE_LATENCY_MS, queueWait));
            if (items.isEmpty()) {
                submitWrite(message);
                return;
            }
            for (int from = TOKENIZE_SLICE; from < items.size(); from += TOKENIZE_SLICE) {
                int start = from;
                tokenizers.execute(() -> tokenize(message, start, Math.min(items.size(), start + TOKENIZE_SLICE)));
            }
            tokenize(message, 0, Math.min(items.size(), TOKENIZE_SLICE));
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }

    private void tokenize(InFlightMessage message, int from, int to) {
        int priority = message.body().priority().ordinal();
        for (int i = from; i < to && message.state() == InFlightMessage.State.PROCESSING; i++) {
            QueueItem item = message.items().get(i);
            ExpertInput input;
            try {
                input = expert.prepare(item.text(), item.gateProbabilities());
            } catch (RuntimeException e) {
                itemFailed(message, i, "tokenizer failed: " + e.getMessage());
                continue;
            }
            batcher.add(new WorkItem(message, i, item, input), priority, input.tokens());
        }
    }

    /**
     * A body that is not a queue message: not deleted. It is released at once so that SQS's redrive
     * moves it to the DLQ after {@code maxReceiveCount} receives; the reason is logged with the
     * message id (which the DLQ keeps).
     */
    private void poison(InFlightMessage message, String reason) {
        poisonMessages.incrementAndGet();
        metrics.record(dims(message.queue()), Map.of("PoisonMessages", Metric.count(1)));
        LOG.warn(
                "poison message {} on the {} queue (receive {}): {}; left for the DLQ",
                message.messageId(),
                message.queue().label(),
                message.receiveCount(),
                reason);
        release(message, Duration.ZERO);
    }

    // ---------------------------------------------------------------- inference

    private void inferenceLoop() {
        while (true) {
            Optional<DynamicBatcher.Batch<WorkItem>> batch;
            try {
                batch = batcher.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                run(batch.get());
            } catch (RuntimeException | LinkageError e) {
                failBatch(batch.get().items(), e);
            }
        }
    }

    private void run(DynamicBatcher.Batch<WorkItem> batch) {
        List<WorkItem> live = new ArrayList<>(batch.items().size());
        for (WorkItem w : batch.items()) {
            if (w.message().state() == InFlightMessage.State.PROCESSING) {
                live.add(w);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        if (batchListener != null) {
            batchListener.accept(live.stream().map(WorkItem::input).toList());
        }
        long start = System.nanoTime();
        predictIsolating(live);
        long nanos = System.nanoTime() - start;
        int longest = 0;
        long useful = 0;
        for (WorkItem w : live) {
            longest = Math.max(longest, w.input().tokens());
            useful += w.input().tokens();
        }
        long padded = (long) longest * live.size();
        batchesRun.incrementAndGet();
        expertNanos.addAndGet(nanos);
        paddedTokens.addAndGet(padded);
        usefulTokens.addAndGet(useful);
        long now = clock.millis();
        int misses = 0;
        for (WorkItem w : live) {
            if (now > w.message().body().deadlineEpochMs()) {
                misses++;
            }
        }
        deadlineMisses.addAndGet(misses);
        Map<String, Metric> values = new LinkedHashMap<>();
        values.put("BatchSize", Metric.count(live.size()));
        values.put("PaddingShare", Metric.percent(100.0 * (padded - useful) / Math.max(1, padded)));
        values.put("ExpertLatency", Metric.millis(nanos / 1e6));
        values.put("DeadlineMisses", Metric.count(misses));
        // Names the dashboard's items/s and cost per million items read (MetricNames, used by infra).
        values.put(MetricNames.EXPERT_ITEMS, Metric.count(live.size()));
        values.put(MetricNames.EXPERT_BUSY_SECONDS, Metric.seconds(nanos / 1e9));
        metrics.record(Map.of(), values);
        recordTenantUsage(live, nanos, useful);
    }

    /**
     * Per-tenant usage of one batch: its items and its share of the batch's expert time by tokens, one
     * record per tenant with the tenant as an EMF property (never a dimension), under {@code usage=tenant}
     * so the totals above stay the dashboard's. {@code sieve cost --by-tenant} turns these into dollars.
     */
    private void recordTenantUsage(List<WorkItem> live, long nanos, long usefulTokens) {
        Map<String, long[]> byTenant = new LinkedHashMap<>(); // tenant -> {items, tokens}
        for (WorkItem w : live) {
            long[] usage = byTenant.computeIfAbsent(tenantOf(w.message().body().requestId()), t -> new long[2]);
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

    private static String tenantOf(String scopedId) {
        try {
            return Tenant.ofScoped(scopedId).name();
        } catch (IllegalArgumentException e) {
            return "unknown"; // a message from before tenants
        }
    }

    /** Predicts, bisecting a failing batch until the failing items stand alone. */
    private void predictIsolating(List<WorkItem> items) {
        float[][] out;
        try {
            out = expert.predict(items.stream().map(WorkItem::input).toList());
            if (out == null || out.length != items.size()) {
                throw new ExpertException("expert returned " + (out == null ? "null" : out.length + " rows") + " for "
                        + items.size() + " items");
            }
            for (float[] row : out) {
                if (row == null || row.length != labels.size()) {
                    throw new ExpertException("expert returned a row that does not have " + labels.size() + " labels");
                }
            }
        } catch (ExpertException | RuntimeException e) {
            if (items.size() == 1) {
                WorkItem w = items.get(0);
                itemFailed(w.message(), w.index(), "expert failed: " + e.getMessage());
                return;
            }
            int mid = items.size() / 2;
            predictIsolating(items.subList(0, mid));
            predictIsolating(items.subList(mid, items.size()));
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            WorkItem w = items.get(i);
            if (w.message().complete(w.index(), ResultMapper.expert(w.item(), out[i], labels))) {
                submitWrite(w.message());
            }
        }
    }

    /**
     * One item cannot be processed. Before {@code itemRetryLimit} receives its message is released
     * for another try (with back-off); from then on the item is answered with the gate's label and
     * the reason in {@code error}, so one bad item never blocks its message forever.
     */
    private void itemFailed(InFlightMessage message, int index, String reason) {
        QueueItem item = message.items().get(index);
        try {
            MDC.put(REQUEST_ID, message.requestId());
            if (message.receiveCount() >= config.itemRetryLimit()) {
                itemErrors.incrementAndGet();
                metrics.record(dims(message.queue()), Map.of("ItemErrors", Metric.count(1)));
                LOG.warn(
                        "item {} of message {} failed on receive {}; answered with the gate's label: {}",
                        item.id(),
                        message.messageId(),
                        message.receiveCount(),
                        reason);
                if (message.complete(index, ResultMapper.failed(item, labels, reason))) {
                    submitWrite(message);
                }
            } else {
                LOG.warn(
                        "item {} of message {} failed on receive {}; message released for a retry: {}",
                        item.id(),
                        message.messageId(),
                        message.receiveCount(),
                        reason);
                release(message, retryDelay(message));
            }
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }

    /** An unexpected error outside the expert: fail (release) only this batch's messages. */
    private void failBatch(List<WorkItem> items, Throwable error) {
        Set<InFlightMessage> messages = new LinkedHashSet<>();
        items.forEach(w -> messages.add(w.message()));
        LOG.error("batch of {} items failed; releasing its {} messages", items.size(), messages.size(), error);
        for (InFlightMessage m : messages) {
            release(m, retryDelay(m));
        }
    }

    // ---------------------------------------------------------------- results

    private void submitWrite(InFlightMessage message) {
        try {
            writers.execute(() -> write(message));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            release(message, Duration.ZERO);
        }
    }

    private void write(InFlightMessage message) {
        if (!message.startWriting()) {
            return;
        }
        QueueMessage body = message.body();
        try {
            MDC.put(REQUEST_ID, body.requestId());
            ResultSink.Outcome outcome = sink.write(body, message.items(), message.results());
            if (message.finish()) {
                unregister(message);
                acks.delete(message.queue(), message.receiptHandle());
            }
            answeredItems.addAndGet(message.items().size());
            if (outcome.completedNow()) {
                metrics.record(
                        Map.of("kind", body.kind().name()),
                        Map.of(
                                "Completed",
                                Metric.count(1),
                                "EndToEndLatency",
                                Metric.millis(Math.max(0, clock.millis() - body.enqueuedAtEpochMs()))));
                LOG.info(
                        body.kind() == QueueMessage.Kind.REQUEST
                                ? "request {} complete"
                                : "job {} chunk counted as done",
                        body.requestId());
            }
        } catch (RuntimeException e) {
            metrics.record(dims(message.queue()), Map.of("WriteFailures", Metric.count(1)));
            LOG.warn(
                    "results of message {} could not be written; released for redelivery: {}",
                    message.messageId(),
                    e.toString());
            if (message.finish()) {
                unregister(message);
                acks.release(message.queue(), message.receiptHandle(), retryDelay(message));
            }
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }

    // ---------------------------------------------------------------- leases

    /** Gives a still-processing message back to its queue; true if this call released it. */
    private boolean release(InFlightMessage message, Duration visibility) {
        if (!message.abandon()) {
            return false;
        }
        unregister(message);
        batcher.removeIf(w -> w.message() == message);
        acks.release(message.queue(), message.receiptHandle(), visibility);
        return true;
    }

    private void unregister(InFlightMessage message) {
        if (inFlight.remove(message.messageId(), message)) {
            inFlightItems.addAndGet(
                    -(message.body() == null ? 1 : message.items().size()));
        }
    }

    private static Duration retryDelay(InFlightMessage message) {
        return Duration.ofSeconds(Math.min(60, 1L << Math.min(6, Math.max(0, message.receiveCount() - 1))));
    }

    /** Heart-beat: renew the leases of everything in flight, keep task protection, emit throughput. */
    private void tick() {
        try {
            Map<QueueRef, List<String>> handles = new HashMap<>();
            for (InFlightMessage m : inFlight.values()) {
                if (m.state() != InFlightMessage.State.FINISHED) {
                    handles.computeIfAbsent(m.queue(), q -> new ArrayList<>()).add(m.receiptHandle());
                }
            }
            handles.forEach((queue, list) -> queues.changeVisibility(queue, list, config.visibilityTimeout()));
            updateProtection();
            long now = clock.millis();
            long answered = answeredItems.get();
            double seconds = Math.max(0.001, (now - lastTickMillis) / 1000.0);
            metrics.record(
                    Map.of(),
                    Map.of(
                            "ItemsPerSecond", Metric.perSecond((answered - lastTickAnswered) / seconds),
                            "InFlightItems", Metric.count(inFlightItems.get())));
            lastTickAnswered = answered;
            lastTickMillis = now;
        } catch (RuntimeException e) {
            LOG.warn("heart-beat failed: {}", e.toString());
        }
    }

    private void updateProtection() {
        boolean busy = !inFlight.isEmpty();
        long now = clock.millis();
        if (busy && (!protectedNow || now - protectedAtMillis > PROTECTION_RENEW.toMillis())) {
            protection.set(true, PROTECTION_MINUTES);
            protectedNow = true;
            protectedAtMillis = now;
        } else if (!busy && protectedNow) {
            protection.set(false, 0);
            protectedNow = false;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, String> dims(QueueRef queue) {
        return Map.of("queue", queue.label());
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> Thread.ofPlatform()
                .name(prefix + "-" + n.incrementAndGet())
                .daemon(true)
                .unstarted(r);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread, Duration timeout) {
        try {
            if (thread.isAlive()) {
                thread.join(timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(ExecutorService executor, Duration timeout) {
        try {
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

        public Worker build() {
            return new Worker(this);
        }
    }
}
