package dev.sieve.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.ChunkLimits;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.PayloadReader;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.TableSchema;
import dev.sieve.shared.result.Tier;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.internal.AwsResultSink;
import dev.sieve.worker.internal.DynamoDbResponseCache;
import dev.sieve.worker.internal.SqsMessageQueues;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker in this JVM against the embedded SQS, DynamoDB and S3 (real wire protocols, queues with
 * DLQ redrive as in production) and the real ONNX expert of a test bundle.
 */
class WorkerIT {
    private static final LocalAws AWS = LocalAws.shared();

    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private S3Client s3;
    private SieveResources resources;
    private final List<Worker> workers = new ArrayList<>();
    private final List<String> metricLines = new CopyOnWriteArrayList<>();
    private Expert expert;
    /** The S3 client the workers read queue payloads with (a test may inject an outage into it). */
    private S3Client payloadS3;

    @BeforeEach
    void setUp() {
        sqs = AWS.sqsClient();
        dynamo = AWS.dynamoDbClient();
        s3 = AWS.s3Client();
        payloadS3 = s3;
        resources = SieveResources.create(AWS, SieveResources.uniquePrefix("wk"));
        expert = TestExperts.open();
    }

    @AfterEach
    void tearDown() {
        workers.forEach(w -> w.drain(Duration.ZERO));
        expert.close();
        sqs.close();
        dynamo.close();
        s3.close();
    }

    private Worker startWorker(Map<String, String> overrides) {
        return startWorker(overrides, null, dynamo);
    }

    /** @param expertRows when given, receives the size of every batch the expert ran */
    private Worker startWorker(Map<String, String> overrides, List<Integer> expertRows) {
        return startWorker(overrides, expertRows, dynamo);
    }

    private Worker startWorker(Map<String, String> overrides, DynamoDbClient dynamo) {
        return startWorker(overrides, null, dynamo);
    }

    private Worker startWorker(Map<String, String> overrides, List<Integer> expertRows, DynamoDbClient dynamo) {
        Map<String, String> env = new HashMap<>(resources.environment());
        env.put("SIEVE_BUNDLE_URI", "/unused");
        env.put("SIEVE_MAX_BATCH_ITEMS", "16");
        env.put("SIEVE_MAX_WAIT_MS", "10");
        env.put("SIEVE_VISIBILITY_TIMEOUT_S", "6");
        env.put("SIEVE_TOKENIZER_THREADS", "2");
        env.put("SIEVE_CACHE_TTL_HOURS", "0"); // the tests repeat texts; the cache's IT turns it on
        env.putAll(overrides);
        WorkerConfig config = WorkerConfig.fromEnvironment(env);
        Worker worker = Worker.builder()
                .config(config)
                .expert(expert)
                .bundleVersion(TestExperts.version())
                .queues(new SqsMessageQueues(sqs))
                .sink(new AwsResultSink(
                        dynamo,
                        s3,
                        config.tableName(),
                        config.bucketName(),
                        Duration.ofDays(1),
                        Clock.systemUTC(),
                        sqs,
                        config.jobsQueueUrl()))
                .payloads(new PayloadReader(payloadS3)::read)
                .responseCache(
                        new DynamoDbResponseCache(dynamo, config.tableName(), config.cacheTtl(), Clock.systemUTC()))
                .metrics(EmfMetrics.to("SieveIT", Map.of("service", "worker"), metricLines::add, Clock.systemUTC()))
                .batchListener(expertRows == null ? null : batch -> expertRows.add(batch.size()))
                .build();
        workers.add(worker);
        worker.start();
        return worker;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void worker_whenDynamoDbIsDownLongerThanTheReceiveBudget_holdsTheWorkAndNothingReachesTheDlq() throws Exception {
        Outage outage = new Outage();
        DynamoDbClient failing = AWS.dynamoDbClient(List.of(outage));
        try {
            putRequestMeta("outage", 4);
            // 30 s: releasing at 1, 2, 4, 8, 16 s (the old behaviour) spends all 5 receives inside it
            outage.start(Duration.ofSeconds(30));
            long started = System.nanoTime();
            send(Priority.ASYNC, request("outage", Priority.ASYNC, 4));

            Worker worker = startWorker(Map.of(), failing);

            await(() -> "COMPLETE".equals(meta("outage", TableSchema.STATE)), Duration.ofSeconds(90));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(outage.injected()).isPositive();
            assertThat(worker.stats().transientRetries())
                    .as("held and retried, bounded by the back-off (0.5 s doubling to 30 s)")
                    .isBetween(1L, 12L);
            assertThat(meta("outage", TableSchema.ANSWERED)).isEqualTo("4");
            assertThat(seconds).as("answered soon after the outage ends").isLessThan(75);
            await(() -> queueEmpty(Priority.ASYNC), Duration.ofSeconds(20));
            assertThat(dlqDepth(Priority.ASYNC)).isZero();
            assertThat(worker.stats().poisonMessages()).isZero();
            System.out.printf(
                    "{\"outage_s\":30,\"injected_failures\":%d,\"transient_retries\":%d,\"completed_after_s\":%.1f,\"dlq\":0}%n",
                    outage.injected(), worker.stats().transientRetries(), seconds);
        } finally {
            workers.forEach(w -> w.drain(Duration.ZERO));
            workers.clear();
            failing.close();
        }
    }

    @Test
    void worker_whileAWriteRidesOutATableOutage_takesAndComputesNothingMoreFromAnyQueue() throws Exception {
        Outage outage = new Outage();
        DynamoDbClient failing = AWS.dynamoDbClient(List.of(outage));
        List<Integer> expertRows = new CopyOnWriteArrayList<>();
        try {
            putRequestMeta("riding", 4);
            putRequestMeta("waiting-async", 4);
            putRequestMeta("waiting-rt", 3);
            outage.start(Duration.ofSeconds(20));
            send(Priority.ASYNC, request("riding", Priority.ASYNC, 4));
            Worker worker = startWorker(Map.of(), expertRows, failing);
            await(() -> worker.stats().transientRetries() > 0, Duration.ofSeconds(30));

            send(Priority.ASYNC, request("waiting-async", Priority.ASYNC, 4));
            send(Priority.REALTIME, request("waiting-rt", Priority.REALTIME, 3));
            Thread.sleep(3_000);
            // Results computed now could be neither written nor cached: a crash would lose them (sieve
            // chaos: 210 of 225 recomputed items). Every result goes through the table, so every queue
            // waits, not only the held message's.
            assertThat(expertRows.stream().mapToInt(Integer::intValue).sum())
                    .as("expert items while the first message's write rides out the outage")
                    .isEqualTo(4);
            assertThat(notVisible(Priority.ASYNC))
                    .as("only the held message is taken")
                    .isEqualTo(1);
            // (the real-time message may be taken by a long poll that began before the hold; it is not computed)

            await(
                    () -> "COMPLETE".equals(meta("riding", TableSchema.STATE))
                            && "COMPLETE".equals(meta("waiting-async", TableSchema.STATE))
                            && "COMPLETE".equals(meta("waiting-rt", TableSchema.STATE)),
                    Duration.ofSeconds(90));
            assertThat(expertRows.stream().mapToInt(Integer::intValue).sum()).isEqualTo(11);
            await(() -> queueEmpty(Priority.ASYNC) && queueEmpty(Priority.REALTIME), Duration.ofSeconds(20));
            assertThat(dlqDepth(Priority.ASYNC)).isZero();
        } finally {
            workers.forEach(w -> w.drain(Duration.ZERO));
            workers.clear();
            failing.close();
        }
    }

    @Test
    void worker_whenS3IsDownWhileLoadingAPayload_holdsTheMessageAndAnswersItOnceS3IsBack() throws Exception {
        Outage outage = Outage.s3();
        S3Client failing = AWS.s3Client(List.of(outage));
        try {
            putRequestMeta("payload-outage", 3);
            String body = viaS3Payload("payload-outage", 3);
            outage.start(Duration.ofSeconds(8));
            send(Priority.ASYNC, body);
            payloadS3 = failing;

            Worker worker = startWorker(Map.of());

            await(() -> "COMPLETE".equals(meta("payload-outage", TableSchema.STATE)), Duration.ofSeconds(90));
            assertThat(outage.injected()).isPositive();
            assertThat(worker.stats().transientRetries()).isPositive();
            assertThat(meta("payload-outage", TableSchema.ANSWERED)).isEqualTo("3");
            await(() -> queueEmpty(Priority.ASYNC), Duration.ofSeconds(20));
            assertThat(dlqDepth(Priority.ASYNC)).isZero();
            assertThat(worker.stats().poisonMessages()).isZero();
        } finally {
            workers.forEach(w -> w.drain(Duration.ZERO));
            workers.clear();
            failing.close();
        }
    }

    @Test
    void drain_whenAMessageIsHeldThroughAnOutage_givesItBackAtOnceAndAnotherWorkerAnswersIt() throws Exception {
        Outage outage = new Outage();
        DynamoDbClient failing = AWS.dynamoDbClient(List.of(outage));
        try {
            putRequestMeta("held", 4);
            outage.start(Duration.ofMinutes(10));
            send(Priority.ASYNC, request("held", Priority.ASYNC, 4));
            Worker sick = startWorker(Map.of(), failing);
            await(() -> sick.stats().transientRetries() > 0, Duration.ofSeconds(60));

            sick.drain(Duration.ofSeconds(2));
            workers.remove(sick);

            // Given back at once, not when the 6 s lease runs out (SIGTERM calls the same drain); a retry that
            // was under way when the drain began gives it back as soon as it fails again.
            await(() -> notVisible(Priority.ASYNC) == 0, Duration.ofSeconds(3));
            startWorker(Map.of());
            await(() -> "COMPLETE".equals(meta("held", TableSchema.STATE)), Duration.ofSeconds(60));
            assertThat(meta("held", TableSchema.ANSWERED)).isEqualTo("4");
            assertThat(dlqDepth(Priority.ASYNC)).isZero();
        } finally {
            workers.forEach(w -> w.drain(Duration.ZERO));
            workers.clear();
            failing.close();
        }
    }

    @Test
    void worker_whenAnOutageOutlastsTheHoldWindow_givesTheWorkBackAndAnswersItAfterwardsWithoutTheDlq()
            throws Exception {
        Outage outage = new Outage();
        DynamoDbClient failing = AWS.dynamoDbClient(List.of(outage));
        try {
            putRequestMeta("outlasted", 2);
            // Held 1 s per receive, then given back with a receive spent (released at 1, 2, 4, 8, 16 s):
            // 45 s spend six or more receives, which dead-lettered it under the old budget of 5. The
            // budget is a backstop for crashes now, so the message waits out the outage in the queue.
            outage.start(Duration.ofSeconds(45));
            send(Priority.ASYNC, request("outlasted", Priority.ASYNC, 2));
            Worker worker = startWorker(Map.of("SIEVE_OUTAGE_HOLD_S", "1"), failing);

            await(() -> "COMPLETE".equals(meta("outlasted", TableSchema.STATE)), Duration.ofSeconds(150));
            assertThat(worker.stats().transientRetries()).isPositive();
            assertThat(outage.injected()).isPositive();
            assertThat(dlqDepth(Priority.ASYNC)).isZero();
        } finally {
            workers.forEach(w -> w.drain(Duration.ZERO));
            workers.clear();
            failing.close();
        }
    }

    @Test
    void worker_whenEarlierHoldersCrashedFiveTimes_stillAnswersTheMessageInsteadOfTheDlq() throws Exception {
        putRequestMeta("crashed", 3);
        send(Priority.ASYNC, request("crashed", Priority.ASYNC, 3));
        // Five holders received it and died (SIGKILL: no delete, no release); their leases lapse at once
        // here. SQS counted five receives, none of them the message's fault.
        String queue = resources.queueUrl(Priority.ASYNC);
        for (int holder = 1; holder <= 5; holder++) {
            List<software.amazon.awssdk.services.sqs.model.Message> received = sqs.receiveMessage(
                            r -> r.queueUrl(queue).waitTimeSeconds(5).visibilityTimeout(0))
                    .messages();
            assertThat(received).as("receive %d", holder).hasSize(1);
        }

        startWorker(Map.of());

        await(() -> "COMPLETE".equals(meta("crashed", TableSchema.STATE)), Duration.ofSeconds(60));
        assertThat(meta("crashed", TableSchema.ANSWERED)).isEqualTo("3");
        assertThat(dlqDepth(Priority.ASYNC)).isZero();
    }

    @Test
    void worker_whenRequestsJobChunksAndS3PayloadsArrive_writesEveryResultOnceAndCompletesEachOnce() throws Exception {
        for (int r = 0; r < 6; r++) {
            putRequestMeta("req-" + r, 5);
            send(Priority.values()[r % 3], request("req-" + r, Priority.values()[r % 3], 5));
        }
        putRequestMeta("big", 30);
        send(Priority.ASYNC, viaS3Payload("big", 30));
        putJobMeta("job-1", 2);
        send(Priority.BATCH, jobChunk("job-1", 0, 7));
        send(Priority.BATCH, jobChunk("job-1", 1, 4));

        startWorker(Map.of());

        await(
                () -> "COMPLETE".equals(meta("req-5", TableSchema.STATE))
                        && "COMPLETE".equals(meta("big", TableSchema.STATE))
                        && "2".equals(jobMeta("job-1", TableSchema.CHUNKS_DONE)),
                Duration.ofSeconds(60));
        for (int r = 0; r < 6; r++) {
            assertThat(meta("req-" + r, TableSchema.ANSWERED)).isEqualTo("5");
            assertThat(meta("req-" + r, TableSchema.STATE)).isEqualTo("COMPLETE");
            assertThat(results("req-" + r)).hasSize(5).allMatch(x -> x.tier() == Tier.EXPERT && x.label() != null);
        }
        assertThat(results("big")).hasSize(30);
        String part = s3.getObjectAsBytes(
                        r -> r.bucket(resources.bucketName()).key(BucketLayout.part("job-1", "expert", 0)))
                .asString(StandardCharsets.UTF_8);
        assertThat(part.lines().toList()).hasSize(7).first().asString().contains("\"line\":0");
        await(
                () -> queueEmpty(Priority.REALTIME) && queueEmpty(Priority.ASYNC) && queueEmpty(Priority.BATCH),
                Duration.ofSeconds(10));
    }

    @Test
    void worker_whenALateRequestAllowsTheGateFallback_answersItThroughTheQueuesWithoutTheExpert() throws Exception {
        putRequestMeta("late", 3);
        putRequestMeta("late-refused", 3);
        long past = System.currentTimeMillis() - 1_000;
        send(Priority.REALTIME, withDeadline(request("late", Priority.REALTIME, 3), past, true));
        send(Priority.REALTIME, withDeadline(request("late-refused", Priority.REALTIME, 3), past, false));

        Worker worker = startWorker(Map.of());

        await(
                () -> "COMPLETE".equals(meta("late", TableSchema.STATE))
                        && "COMPLETE".equals(meta("late-refused", TableSchema.STATE)),
                Duration.ofSeconds(60));
        assertThat(results("late"))
                .hasSize(3)
                .allMatch(r -> r.tier() == Tier.GATE_FALLBACK
                        && ItemResult.REASON_DEADLINE_PASSED.equals(r.reason())
                        && r.label() != null);
        assertThat(results("late-refused")).hasSize(3).allMatch(r -> r.tier() == Tier.EXPERT && r.reason() == null);
        assertThat(worker.stats().gateFallbacks()).isEqualTo(3);
        assertThat(worker.stats().answeredItems()).isEqualTo(6);
        await(() -> queueEmpty(Priority.REALTIME), Duration.ofSeconds(10));
    }

    private static String withDeadline(String body, long deadlineEpochMs, boolean allowGateFallback) {
        QueueMessage m = Json.read(body, QueueMessage.class);
        return Json.write(new QueueMessage(
                m.schema(),
                m.kind(),
                m.requestId(),
                m.chunk(),
                m.priority(),
                deadlineEpochMs,
                m.bundleVersion(),
                m.enqueuedAtEpochMs(),
                m.items(),
                m.payloadUri(),
                allowGateFallback));
    }

    @Test
    void worker_whenTextsRepeat_answersRepeatsFromTheDynamoDbCacheAcrossWorkersOfOneVersion() throws Exception {
        // 10 items over 4 distinct texts (60 % repeats), in two requests
        List<String> distinct = TestExperts.texts(4);
        List<QueueItem> first = new ArrayList<>();
        List<QueueItem> second = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            (i < 5 ? first : second).add(QueueItem.of("c" + i, distinct.get(i % 4), new float[] {0.5f, 0.5f}));
        }
        putRequestMeta("cache-a", 5);
        putRequestMeta("cache-b", 5);
        send(Priority.ASYNC, inline("cache-a", first));
        send(Priority.ASYNC, inline("cache-b", second));
        List<Integer> expertRows = new CopyOnWriteArrayList<>();
        Worker worker = startWorker(Map.of("SIEVE_CACHE_TTL_HOURS", "1"), expertRows);

        await(
                () -> "COMPLETE".equals(meta("cache-a", TableSchema.STATE))
                        && "COMPLETE".equals(meta("cache-b", TableSchema.STATE)),
                Duration.ofSeconds(60));
        assertThat(expertRows.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
        assertThat(worker.stats().cacheHits()).isEqualTo(6);
        List<ItemResult> all = new ArrayList<>(results("cache-a"));
        all.addAll(results("cache-b"));
        assertThat(all.stream().filter(r -> r.tier() == Tier.CACHE)).hasSize(6);

        // A fresh worker of the same version reads the answers back from DynamoDB: no expert work.
        await(() -> cachedAnswers() == 4, Duration.ofSeconds(10));
        worker.drain(Duration.ofSeconds(5));
        putRequestMeta("cache-c", 4);
        send(Priority.ASYNC, inline("cache-c", first.subList(0, 4)));
        List<Integer> secondRows = new CopyOnWriteArrayList<>();
        startWorker(Map.of("SIEVE_CACHE_TTL_HOURS", "1"), secondRows);
        await(() -> "COMPLETE".equals(meta("cache-c", TableSchema.STATE)), Duration.ofSeconds(60));
        assertThat(secondRows).isEmpty();
        assertThat(results("cache-c")).hasSize(4).allMatch(r -> r.tier() == Tier.CACHE);
    }

    private static String inline(String requestId, List<QueueItem> items) {
        long now = System.currentTimeMillis();
        return Json.write(QueueMessage.inline(
                QueueMessage.Kind.REQUEST,
                requestId,
                0,
                Priority.ASYNC,
                now + 60_000,
                TestExperts.version(),
                now,
                items));
    }

    private long cachedAnswers() {
        return dynamo.scan(r -> r.tableName(resources.tableName())).items().stream()
                .filter(i -> i.get(TableSchema.PK).s().startsWith(TableSchema.CACHE_PREFIX))
                .count();
    }

    @Test
    void worker_whenTheSameMessageIsDeliveredTwice_countsItsItemsOnceAndCompletesOnce() throws Exception {
        putRequestMeta("dup", 6);
        String body = request("dup", Priority.REALTIME, 6);
        send(Priority.REALTIME, body);
        send(Priority.REALTIME, body);
        putJobMeta("job-dup", 1);
        String chunk = jobChunk("job-dup", 0, 3);
        send(Priority.BATCH, chunk);
        send(Priority.BATCH, chunk);

        startWorker(Map.of());

        await(() -> queueEmpty(Priority.REALTIME) && queueEmpty(Priority.BATCH), Duration.ofSeconds(60));
        assertThat(meta("dup", TableSchema.ANSWERED)).isEqualTo("6");
        assertThat(meta("dup", TableSchema.STATE)).isEqualTo("COMPLETE");
        assertThat(results("dup")).hasSize(6);
        assertThat(jobMeta("job-dup", TableSchema.CHUNKS_DONE)).isEqualTo("1");
        long completions = metricLines.stream()
                .map(l -> Json.read(l, JsonNode.class))
                .filter(n -> n.has("Completed"))
                .count();
        assertThat(completions).isEqualTo(2); // one request + one chunk, not four
    }

    @Test
    void worker_whenItCountsAJobsLastChunk_sendsAnAssembleTaskToTheJobsQueue() throws Exception {
        String jobsQueue = sqs.createQueue(r -> r.queueName("wk-jobs-" + System.nanoTime()))
                .queueUrl();
        putJobMeta("job-asm", 2);
        send(Priority.BATCH, jobChunk("job-asm", 0, 3));
        send(Priority.BATCH, jobChunk("job-asm", 1, 2));

        startWorker(Map.of("SIEVE_JOBS_QUEUE_URL", jobsQueue));

        await(() -> "2".equals(jobMeta("job-asm", TableSchema.CHUNKS_DONE)), Duration.ofSeconds(60));
        await(() -> queueEmpty(Priority.BATCH), Duration.ofSeconds(30));
        // At least once, at most once per chunk writer that saw the job complete: the two chunks may be
        // counted concurrently, and both writers then read chunks_done == chunks. Assembly is
        // idempotent and the gate emits the completion event once, so a second task costs one no-op.
        List<String> tasks = drainQueue(jobsQueue);
        assertThat(tasks).hasSizeBetween(1, 2).containsOnly(Json.write(JobTask.assemble("job-asm")));
        assertThat(Json.read(tasks.get(0), JobTask.class)).isEqualTo(JobTask.assemble("job-asm"));

        // A redelivered last chunk while the job is still RUNNING asks again: the first send may
        // have been lost in a crash between count and send, and the gate's assembly is idempotent.
        send(Priority.BATCH, jobChunk("job-asm", 1, 2));
        await(() -> queueEmpty(Priority.BATCH), Duration.ofSeconds(30));
        assertThat(drainQueue(jobsQueue)).containsExactly(Json.write(JobTask.assemble("job-asm")));

        // Once assembled (COMPLETE), a redelivery sends nothing.
        DynamoDbJobStore jobs = new DynamoDbJobStore(dynamo, resources.tableName());
        assertThat(jobs.beginAssembly("job-asm", "test", 0, 1)).isTrue();
        assertThat(jobs.complete("job-asm", "test", "s3://b/jobs/out/job-asm.out", 0, 0, 0))
                .isTrue();
        send(Priority.BATCH, jobChunk("job-asm", 0, 3));
        await(() -> queueEmpty(Priority.BATCH), Duration.ofSeconds(30));
        assertThat(drainQueue(jobsQueue)).isEmpty();
        assertThat(jobMeta("job-asm", TableSchema.CHUNKS_DONE)).isEqualTo("2");
    }

    @Test
    void worker_whenABodyIsPoison_itEndsInTheDlqAndOthersAreAnswered() throws Exception {
        send(Priority.REALTIME, "{\"this is\": not a queue message");
        putRequestMeta("fine", 2);
        send(Priority.REALTIME, request("fine", Priority.REALTIME, 2));

        Worker worker = startWorker(Map.of());

        await(() -> "COMPLETE".equals(meta("fine", TableSchema.STATE)), Duration.ofSeconds(60));
        await(() -> dlqDepth(Priority.REALTIME) == 1, Duration.ofSeconds(30));
        assertThat(worker.stats().poisonMessages()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void drain_whenStoppedMidBatchAndAnotherWorkerTakesOver_losesAndDuplicatesNothing() throws Exception {
        for (int r = 0; r < 10; r++) {
            putRequestMeta("d" + r, 8);
            send(Priority.ASYNC, request("d" + r, Priority.ASYNC, 8));
        }
        Worker first = startWorker(Map.of("SIEVE_MAX_BATCH_ITEMS", "4"));
        await(() -> first.stats().batches() >= 2, Duration.ofSeconds(60));

        first.drain(Duration.ZERO);
        long releasedAt = System.nanoTime();
        startWorker(Map.of());

        await(() -> allComplete("d", 10), Duration.ofSeconds(90));
        // Released messages were visible at once, not after the 6 s lease.
        assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isLessThan(Duration.ofSeconds(60));
        for (int r = 0; r < 10; r++) {
            assertThat(meta("d" + r, TableSchema.ANSWERED)).isEqualTo("8");
            assertThat(results("d" + r)).hasSize(8);
        }
    }

    @Test
    void worker_whenEveryQueueHasBacklog_completesRealtimeBeforeAsyncBeforeBatch() throws Exception {
        for (int r = 0; r < 8; r++) {
            for (Priority p : List.of(Priority.BATCH, Priority.ASYNC, Priority.REALTIME)) {
                String id = p.name().toLowerCase() + r;
                putRequestMeta(id, 4);
                send(p, request(id, p, 4));
            }
        }

        startWorker(Map.of("SIEVE_MAX_IN_FLIGHT_ITEMS", "8", "SIEVE_STARVATION_LIMIT", "1000"));

        await(() -> allComplete("batch", 8), Duration.ofSeconds(120));
        double realtime = meanCompletion("realtime");
        double async = meanCompletion("async");
        double batch = meanCompletion("batch");
        assertThat(realtime).isLessThan(async);
        assertThat(async).isLessThan(batch);
    }

    // ---------------------------------------------------------------- helpers

    private static String request(String requestId, Priority priority, int items) {
        List<QueueItem> list = new ArrayList<>();
        List<String> texts = TestExperts.texts(items);
        for (int i = 0; i < items; i++) {
            list.add(QueueItem.of("i" + i, texts.get(i), new float[] {0.5f, 0.5f}));
        }
        long now = System.currentTimeMillis();
        return Json.write(QueueMessage.inline(
                QueueMessage.Kind.REQUEST, requestId, 0, priority, now + 60_000, TestExperts.version(), now, list));
    }

    private static String jobChunk(String jobId, int chunk, int items) {
        List<QueueItem> list = new ArrayList<>();
        List<String> texts = TestExperts.texts(items);
        for (int i = 0; i < items; i++) {
            long line = (long) chunk * 1000 + i;
            list.add(new QueueItem("l" + line, texts.get(i), new float[] {0.4f, 0.6f}, line));
        }
        long now = System.currentTimeMillis();
        return Json.write(QueueMessage.inline(
                QueueMessage.Kind.JOB_CHUNK,
                jobId,
                chunk,
                Priority.BATCH,
                now + 600_000,
                TestExperts.version(),
                now,
                list));
    }

    private String viaS3Payload(String requestId, int items) {
        StringBuilder jsonl = new StringBuilder();
        List<String> texts = TestExperts.texts(items);
        for (int i = 0; i < items; i++) {
            jsonl.append(Json.write(QueueItem.of("p" + i, texts.get(i), null))).append('\n');
        }
        String key = BucketLayout.payload(requestId, 0);
        s3.putObject(r -> r.bucket(resources.bucketName()).key(key), RequestBody.fromString(jsonl.toString()));
        long now = System.currentTimeMillis();
        return Json.write(new QueueMessage(
                QueueMessage.SCHEMA,
                QueueMessage.Kind.REQUEST,
                requestId,
                0,
                Priority.ASYNC,
                now + 60_000,
                TestExperts.version(),
                now,
                null,
                "s3://" + resources.bucketName() + "/" + key));
    }

    private void send(Priority priority, String body) {
        sqs.sendMessage(r -> r.queueUrl(resources.queueUrl(priority)).messageBody(body));
    }

    private void putRequestMeta(String requestId, int expected) {
        new DynamoDbRequestStore(dynamo, s3, resources.tableName(), resources.bucketName())
                .create(requestId, "async", "test", List.of(), expected, System.currentTimeMillis(), 0);
    }

    /** A RUNNING job of {@code chunks} chunks, as the gate leaves it after scanning. */
    private void putJobMeta(String jobId, int chunks) {
        DynamoDbJobStore jobs = new DynamoDbJobStore(dynamo, resources.tableName());
        jobs.create(
                jobId,
                "s3://" + resources.bucketName() + "/jobs/in/" + jobId + ".jsonl",
                "\"etag\"",
                new ChunkLimits(1000, 1 << 20),
                0,
                0);
        jobs.startRunning(jobId, chunks, chunks);
    }

    /** Receives (and deletes) every message on the queue; empty once a 1 s long poll finds none. */
    private List<String> drainQueue(String queueUrl) {
        List<String> bodies = new ArrayList<>();
        while (true) {
            var messages = sqs.receiveMessage(
                            r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            if (messages.isEmpty()) {
                return bodies;
            }
            for (var m : messages) {
                bodies.add(m.body());
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    private String meta(String requestId, String attribute) {
        return attribute(TableSchema.requestKey(requestId), attribute);
    }

    private String jobMeta(String jobId, String attribute) {
        return attribute(TableSchema.jobKey(jobId), attribute);
    }

    private String attribute(String pk, String attribute) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(resources.tableName())
                        .consistentRead(true)
                        .key(Map.of(
                                TableSchema.PK, AttributeValue.fromS(pk),
                                TableSchema.SK, AttributeValue.fromS(TableSchema.META))))
                .item();
        AttributeValue value = item == null ? null : item.get(attribute);
        return value == null ? null : value.n() != null ? value.n() : value.s();
    }

    private List<ItemResult> results(String requestId) {
        return dynamo
                .query(r -> r.tableName(resources.tableName())
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :item)")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(TableSchema.requestKey(requestId)),
                                ":item", AttributeValue.fromS(TableSchema.ITEM_PREFIX))))
                .items()
                .stream()
                .map(i -> Json.read(i.get(TableSchema.RESULT).s(), ItemResult.class))
                .toList();
    }

    private boolean allComplete(String prefix, int count) {
        for (int r = 0; r < count; r++) {
            if (!"COMPLETE".equals(meta(prefix + r, TableSchema.STATE))) {
                return false;
            }
        }
        return true;
    }

    private double meanCompletion(String prefix) {
        double sum = 0;
        for (int r = 0; r < 8; r++) {
            sum += Long.parseLong(meta(prefix + r, TableSchema.COMPLETED_AT));
        }
        return sum / 8;
    }

    private boolean queueEmpty(Priority priority) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(
                        r -> r.queueUrl(resources.queueUrl(priority))
                                .attributeNames(
                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return "0".equals(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                && "0".equals(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private int notVisible(Priority priority) {
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(resources.queueUrl(priority))
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private int dlqDepth(Priority priority) {
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(resources.dlqUrl(priority))
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
