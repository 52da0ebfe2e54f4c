package dev.sieve.worker;

import static dev.sieve.worker.WorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker as a separate process ({@link WorkerMain}: settings from the environment, bundle from a
 * directory, AWS endpoints from {@code AWS_ENDPOINT_URL_*}) against the embedded AWS of this JVM:
 * killed mid-batch and restarted, and stopped with SIGTERM.
 */
class WorkerProcessIT {
    private static final LocalAws AWS = LocalAws.shared();
    private static final int REQUESTS = 8;
    private static final int ITEMS = 8;
    private static final int MAX_BATCH = 4;

    @TempDir
    Path tmp;

    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private software.amazon.awssdk.services.s3.S3Client s3;
    private SieveResources resources;
    private Path bundleDir;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        sqs = AWS.sqsClient();
        dynamo = AWS.dynamoDbClient();
        s3 = AWS.s3Client();
        resources = SieveResources.create(AWS, SieveResources.uniquePrefix("wp"));
        bundleDir = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundleDir.resolve("expert.onnx"), "stand-in: the test main uses a deterministic expert");
        ModelBundle.write(bundleDir, List.of("ham", "spam"), Map.of("expert", "expert.onnx"), Map.of());
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        sqs.close();
        dynamo.close();
        s3.close();
    }

    /**
     * One life story, to start as few JVMs as possible: worker A is killed (SIGKILL) mid-batch, worker
     * B takes over the leases once they lapse and is stopped with SIGTERM (drains, releases the rest,
     * exits 0), worker C finishes. Every item ends answered exactly once.
     */
    @Test
    void worker_whenKilledThenSigtermedThenRestarted_losesAndDuplicatesNothingAndExitsZeroOnSigterm() throws Exception {
        String version = ModelBundle.open(bundleDir).version();
        enqueue(version);

        // It blocks one batch short of the whole work (batches of MAX_BATCH items), so it is surely mid-work
        // when killed, and (writes being per message) at least half the messages are complete by then.
        Process killed = startWorker(400, REQUESTS * ITEMS / MAX_BATCH - 1, 1, "killed");
        await(() -> answeredTotal() > 0, Duration.ofSeconds(60));
        killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int afterKill = answeredTotal();
        assertThat(afterKill).isLessThan(REQUESTS * ITEMS);

        Process stopped = startWorker(400, Integer.MAX_VALUE, 1, "sigterm");
        await(() -> answeredTotal() > afterKill, Duration.ofSeconds(60));
        long stopAt = System.nanoTime();
        stopped.destroy();
        boolean exited = stopped.waitFor(20, TimeUnit.SECONDS);

        assertThat(exited).isTrue();
        assertThat(stopped.exitValue()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(15));
        // What the drain did not finish is visible again at once, not after the lease.
        assertThat(queueAttribute(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .isZero();
        List<JsonNode> logs = Files.readAllLines(tmp.resolve("sigterm.log")).stream()
                .filter(l -> l.startsWith("{\"timestamp"))
                .map(l -> Json.read(l, JsonNode.class))
                .toList();
        assertThat(logs).anyMatch(n -> n.path("formattedMessage").asText().startsWith("worker drained"));
        assertThat(logs).anyMatch(n -> n.path("mdc").path("request_id").asText().startsWith("p"));

        try (Worker finisher = inProcessWorker(version)) {
            finisher.start();
            await(() -> completed() == REQUESTS, Duration.ofSeconds(60));
        }
        for (int r = 0; r < REQUESTS; r++) {
            assertThat(meta("p" + r, TableSchema.ANSWERED))
                    .as("answered of p%d", r)
                    .isEqualTo(ITEMS);
            assertThat(resultCount("p" + r)).isEqualTo(ITEMS);
        }
    }

    private void enqueue(String version) {
        long now = System.currentTimeMillis();
        for (int r = 0; r < REQUESTS; r++) {
            String id = "p" + r;
            List<QueueItem> items = new ArrayList<>();
            List<String> texts = TestExperts.texts(ITEMS);
            for (int i = 0; i < ITEMS; i++) {
                items.add(QueueItem.of("i" + i, texts.get(i), new float[] {0.5f, 0.5f}));
            }
            new DynamoDbRequestStore(dynamo, s3, resources.tableName(), resources.bucketName())
                    .create(id, "async", "test", List.of(), ITEMS, now, 0);
            String body = Json.write(QueueMessage.inline(
                    QueueMessage.Kind.REQUEST, id, 0, Priority.ASYNC, now + 60_000, version, now, items));
            sqs.sendMessage(m -> m.queueUrl(resources.queueUrl(Priority.ASYNC)).messageBody(body));
        }
    }

    private Worker inProcessWorker(String version) {
        Map<String, String> env = new java.util.HashMap<>(resources.environment());
        env.put("SIEVE_BUNDLE_URI", bundleDir.toString());
        env.put("SIEVE_MAX_WAIT_MS", "5");
        env.put("SIEVE_DRAIN_GRACE_S", "0");
        WorkerConfig config = WorkerConfig.fromEnvironment(env);
        return Worker.builder()
                .config(config)
                .expert(new dev.sieve.worker.testing.FakeExpert())
                .bundleVersion(version)
                .queues(new dev.sieve.worker.internal.SqsMessageQueues(sqs))
                .sink(new dev.sieve.worker.internal.AwsResultSink(
                        dynamo,
                        s3,
                        config.tableName(),
                        config.bucketName(),
                        Duration.ofDays(1),
                        java.time.Clock.systemUTC()))
                .build();
    }

    private Process startWorker(long predictMillis, int stallAfterBatches, int drainGraceSeconds, String name)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path argfile = tmp.resolve(name + ".args");
        Files.writeString(
                argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        ProcessBuilder builder = new ProcessBuilder(
                        java.toString(),
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dsieve.test.predictMillis=" + predictMillis,
                        "-Dsieve.test.stallAfterBatches=" + stallAfterBatches,
                        "@" + argfile,
                        FakeExpertWorkerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.putAll(AWS.environment());
        env.putAll(resources.environment());
        env.put("SIEVE_BUNDLE_URI", bundleDir.toString());
        env.put("SIEVE_MAX_BATCH_ITEMS", Integer.toString(MAX_BATCH));
        // The requests repeat the same 8 texts: with the response cache on, two batches answer all 64 items
        // and the killed worker would finish before the kill whatever its stall.
        env.put("SIEVE_CACHE_TTL_HOURS", "0");
        env.put("SIEVE_MAX_WAIT_MS", "5");
        env.put("SIEVE_VISIBILITY_TIMEOUT_S", "6");
        env.put("SIEVE_DRAIN_GRACE_S", Integer.toString(drainGraceSeconds));
        env.put("SIEVE_TOKENIZER_THREADS", "1");
        env.put("SIEVE_BUNDLE_CACHE_DIR", tmp.resolve("cache").toString());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private int answeredTotal() {
        int total = 0;
        for (int r = 0; r < REQUESTS; r++) {
            total += meta("p" + r, TableSchema.ANSWERED);
        }
        return total;
    }

    private int completed() {
        int done = 0;
        for (int r = 0; r < REQUESTS; r++) {
            Map<String, AttributeValue> item = metaItem("p" + r);
            if (item.containsKey(TableSchema.STATE)
                    && "COMPLETE".equals(item.get(TableSchema.STATE).s())) {
                done++;
            }
        }
        return done;
    }

    private int meta(String id, String attribute) {
        AttributeValue value = metaItem(id).get(attribute);
        return value == null ? 0 : Integer.parseInt(value.n());
    }

    private Map<String, AttributeValue> metaItem(String id) {
        return dynamo.getItem(r -> r.tableName(resources.tableName())
                        .consistentRead(true)
                        .key(Map.of(
                                TableSchema.PK, AttributeValue.fromS(TableSchema.requestKey(id)),
                                TableSchema.SK, AttributeValue.fromS(TableSchema.META))))
                .item();
    }

    private int resultCount(String id) {
        return dynamo.query(r -> r.tableName(resources.tableName())
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :item)")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(TableSchema.requestKey(id)),
                                ":item", AttributeValue.fromS(TableSchema.ITEM_PREFIX))))
                .count();
    }

    private int queueAttribute(QueueAttributeName name) {
        return Integer.parseInt(sqs.getQueueAttributes(
                        r -> r.queueUrl(resources.queueUrl(Priority.ASYNC)).attributeNames(name))
                .attributes()
                .get(name));
    }
}
