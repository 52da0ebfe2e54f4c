package dev.sieve.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import dev.sieve.worker.testing.FakeExpert;
import dev.sieve.worker.testing.InMemoryQueues;
import dev.sieve.worker.testing.InMemorySink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTest {
    private static final String VERSION = "v1";

    private final InMemoryQueues queues = new InMemoryQueues(3);
    private final InMemorySink sink = new InMemorySink();
    private final List<String> metricLines = new CopyOnWriteArrayList<>();
    private Worker worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.drain(Duration.ZERO);
        }
    }

    private Worker start(WorkerConfig config, FakeExpert expert) {
        worker = Worker.builder()
                .config(config)
                .expert(expert)
                .bundleVersion(VERSION)
                .queues(queues)
                .sink(sink)
                .metrics(EmfMetrics.to("Test", Map.of("service", "worker"), metricLines::add, Clock.systemUTC()))
                .build();
        worker.start();
        return worker;
    }

    private static String message(String requestId, Priority priority, String version, String... texts) {
        List<QueueItem> items = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            items.add(QueueItem.of("item-" + i, texts[i], new float[] {0.55f, 0.45f}));
        }
        long now = System.currentTimeMillis();
        return Json.write(QueueMessage.inline(
                QueueMessage.Kind.REQUEST, requestId, 0, priority, now + 60_000, version, now, items));
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    private boolean allDeleted(String queueUrl) {
        return queues.messages(queueUrl).stream().allMatch(m -> m.deleted);
    }

    @Test
    void start_whenMessagesWait_answersEveryItemOnceAndDeletesEveryMessage() throws Exception {
        for (int r = 0; r < 12; r++) {
            queues.send(TestConfigs.ASYNC, message("req-" + r, Priority.ASYNC, VERSION, "a b c", "d e", "f g h i j"));
        }

        start(TestConfigs.config(Map.of()), new FakeExpert());

        await(() -> allDeleted(TestConfigs.ASYNC), Duration.ofSeconds(10));
        assertThat(sink.results()).hasSize(36);
        assertThat(sink.results().values()).allMatch(r -> r.tier() == Tier.EXPERT && r.label() != null);
        assertThat(worker.stats().answeredItems()).isEqualTo(36);
    }

    @Test
    void poll_whenEveryQueueHasWork_drainsRealtimeThenAsyncThenBatch() throws Exception {
        for (int i = 0; i < 25; i++) {
            queues.send(TestConfigs.BATCH, message("b" + i, Priority.BATCH, VERSION, "x"));
            queues.send(TestConfigs.ASYNC, message("a" + i, Priority.ASYNC, VERSION, "x"));
            queues.send(TestConfigs.REALTIME, message("r" + i, Priority.REALTIME, VERSION, "x"));
        }

        start(TestConfigs.config(Map.of("SIEVE_STARVATION_LIMIT", "1000")), new FakeExpert());

        await(() -> allDeleted(TestConfigs.BATCH), Duration.ofSeconds(10));
        List<String> log = queues.receiveLog();
        assertThat(log).isSortedAccordingTo((a, b) -> Priority.valueOf(a).compareTo(Priority.valueOf(b)));
        assertThat(log).contains("REALTIME", "ASYNC", "BATCH");
    }

    @Test
    void poll_whenRealtimeNeverEmpties_stillServesBatchWithinTheStarvationLimit() throws Exception {
        for (int i = 0; i < 200; i++) {
            queues.send(TestConfigs.REALTIME, message("r" + i, Priority.REALTIME, VERSION, "x"));
        }
        queues.send(TestConfigs.BATCH, message("b", Priority.BATCH, VERSION, "x"));

        start(TestConfigs.config(Map.of("SIEVE_STARVATION_LIMIT", "2")), new FakeExpert());

        await(() -> allDeleted(TestConfigs.BATCH), Duration.ofSeconds(10));
        List<String> log = queues.receiveLog();
        assertThat(log.indexOf("BATCH")).isBetween(0, 3);
    }

    @Test
    void intake_whenBodyIsNotAQueueMessage_leavesItForTheDlqAndAnswersTheOthers() throws Exception {
        queues.send(TestConfigs.REALTIME, "{not json");
        queues.send(TestConfigs.REALTIME, message("good", Priority.REALTIME, VERSION, "a b"));

        start(TestConfigs.config(Map.of()), new FakeExpert());

        await(
                () -> queues.messages(TestConfigs.REALTIME).get(0).inDlq || poisonReceivedThrice(),
                Duration.ofSeconds(10));
        await(() -> sink.results().containsKey("good/item-0"), Duration.ofSeconds(10));
        assertThat(queues.messages(TestConfigs.REALTIME).get(0).deleted).isFalse();
        assertThat(worker.stats().poisonMessages()).isGreaterThanOrEqualTo(1);
        assertThat(metricNames()).contains("PoisonMessages");
    }

    private boolean poisonReceivedThrice() {
        return queues.messages(TestConfigs.REALTIME).get(0).receiveCount >= 3;
    }

    @Test
    void intake_whenBundleVersionDiffers_releasesWithoutAnswering() throws Exception {
        queues.send(TestConfigs.ASYNC, message("other", Priority.ASYNC, "v2", "a b"));

        start(TestConfigs.config(Map.of("SIEVE_RELEASE_DELAY_S", "30")), new FakeExpert());

        await(() -> worker.stats().releasedForVersion() == 1, Duration.ofSeconds(10));
        InMemoryQueues.Stored stored = queues.messages(TestConfigs.ASYNC).get(0);
        await(() -> stored.visibleAtMillis > System.currentTimeMillis() + 20_000, Duration.ofSeconds(5));
        assertThat(stored.deleted).isFalse();
        assertThat(sink.results()).isEmpty();
        assertThat(metricNames()).contains("BundleVersionReleases");
    }

    @Test
    void predict_whenOneItemBreaksTheExpert_answersItsBatchMatesAndGivesItAnErrorResult() throws Exception {
        queues.send(TestConfigs.REALTIME, message("bad", Priority.REALTIME, VERSION, "one", "POISON here", "three"));
        queues.send(TestConfigs.REALTIME, message("mate", Priority.REALTIME, VERSION, "x y", "z"));
        FakeExpert expert = new FakeExpert();

        start(TestConfigs.config(Map.of("SIEVE_ITEM_RETRY_LIMIT", "1", "SIEVE_MAX_WAIT_MS", "200")), expert);

        await(() -> allDeleted(TestConfigs.REALTIME), Duration.ofSeconds(10));
        Map<String, ItemResult> results = sink.results();
        assertThat(results).hasSize(5);
        assertThat(results.get("bad/item-1").error()).contains("poisoned");
        assertThat(results.get("bad/item-1").label()).isEqualTo("ham");
        assertThat(results.get("bad/item-0").error()).isNull();
        assertThat(results.get("mate/item-0").tier()).isEqualTo(Tier.EXPERT);
        assertThat(expert.batches().size()).isGreaterThan(1);
    }

    @Test
    void predict_whenItemFailsBeforeRetryLimit_releasesMessageAndAnswersOnALaterReceive() throws Exception {
        queues.send(TestConfigs.REALTIME, message("bad", Priority.REALTIME, VERSION, "one", "POISON"));

        start(TestConfigs.config(Map.of("SIEVE_ITEM_RETRY_LIMIT", "2")), new FakeExpert());

        await(() -> allDeleted(TestConfigs.REALTIME), Duration.ofSeconds(10));
        assertThat(queues.messages(TestConfigs.REALTIME).get(0).receiveCount).isEqualTo(2);
        assertThat(sink.results().get("bad/item-1").error()).isNotNull();
        assertThat(sink.results().get("bad/item-0").tier()).isEqualTo(Tier.EXPERT);
    }

    @Test
    void heartbeat_whenBatchOutlivesTheLease_extendsItSoNothingIsRedelivered() throws Exception {
        queues.send(TestConfigs.ASYNC, message("slow", Priority.ASYNC, VERSION, "a"));
        WorkerConfig config = TestConfigs.withVisibility(TestConfigs.config(Map.of()), Duration.ofMillis(1500));

        start(config, new FakeExpert(64, 3500));

        await(() -> allDeleted(TestConfigs.ASYNC), Duration.ofSeconds(10));
        assertThat(queues.messages(TestConfigs.ASYNC).get(0).receiveCount).isEqualTo(1);
        assertThat(sink.writes()).isEqualTo(1);
    }

    @Test
    void drain_whenWorkCannotFinishInGrace_releasesItImmediatelyAndLosesNothing() throws Exception {
        for (int i = 0; i < 10; i++) {
            queues.send(TestConfigs.BATCH, message("job" + i, Priority.BATCH, VERSION, "a", "b", "c", "d"));
        }
        Worker w = start(TestConfigs.config(Map.of()), new FakeExpert(64, 300));
        await(() -> w.stats().batches() >= 1, Duration.ofSeconds(10));

        w.drain(Duration.ZERO);

        long now = System.currentTimeMillis();
        for (InMemoryQueues.Stored s : queues.messages(TestConfigs.BATCH)) {
            String requestId = Json.read(s.body, QueueMessage.class).requestId();
            long answered = sink.results().keySet().stream()
                    .filter(k -> k.startsWith(requestId + "/"))
                    .count();
            assertThat(s.deleted || s.visibleAtMillis <= now)
                    .as("message %s deleted or visible again", s.id)
                    .isTrue();
            if (s.deleted) {
                assertThat(answered).as("results of deleted message %s", s.id).isEqualTo(4);
            }
        }
        assertThat(queues.messages(TestConfigs.BATCH)).anyMatch(s -> !s.deleted);
    }

    @Test
    void metrics_afterABatch_reportBatchSizePaddingLatencyAndQueueWait() throws Exception {
        queues.send(
                TestConfigs.REALTIME,
                message("m", Priority.REALTIME, VERSION, "a b c d e f g h i j", "a b c d e f g h i"));

        start(TestConfigs.config(Map.of("SIEVE_MAX_WAIT_MS", "300")), new FakeExpert());

        await(() -> allDeleted(TestConfigs.REALTIME), Duration.ofSeconds(10));
        assertThat(metricNames())
                .contains(
                        "BatchSize",
                        "PaddingShare",
                        "ExpertLatency",
                        "DeadlineMisses",
                        "QueueWait",
                        "Completed",
                        "BatchesReleased")
                .as("the names the CDK dashboard reads")
                .contains(
                        MetricNames.EXPERT_ITEMS, MetricNames.EXPERT_BUSY_SECONDS, MetricNames.EXPERT_QUEUE_LATENCY_MS);
        JsonNode batch = metricLines.stream()
                .map(l -> Json.read(l, JsonNode.class))
                .filter(n -> n.has("BatchSize"))
                .findFirst()
                .orElseThrow();
        assertThat(batch.get("_aws")
                        .get("CloudWatchMetrics")
                        .get(0)
                        .get("Namespace")
                        .asText())
                .isEqualTo("Test");
        assertThat(batch.get("BatchSize").asDouble()).isEqualTo(2.0);
        assertThat(batch.get("PaddingShare").asDouble()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.01));
        JsonNode released = metricLines.stream()
                .map(l -> Json.read(l, JsonNode.class))
                .filter(n -> n.has("BatchesReleased"))
                .findFirst()
                .orElseThrow();
        assertThat(released.get("release").asText())
                .as("one real-time message of two items, the expert idle: released at once, both together")
                .isEqualTo("idle");
        assertThat(worker.stats().batchesByRelease()).containsEntry("idle", 1L);
    }

    @Test
    void metrics_afterABatchOfTwoTenants_reportEachTenantsItemsAndShareOfExpertTime() throws Exception {
        queues.send(TestConfigs.REALTIME, message("acme/r1", Priority.REALTIME, VERSION, "a b c d e f g h i j"));
        queues.send(TestConfigs.REALTIME, message("beta/r2", Priority.REALTIME, VERSION, "a b c d e", "a b c d e"));

        start(TestConfigs.config(Map.of("SIEVE_MAX_WAIT_MS", "300")), new FakeExpert());

        await(() -> allDeleted(TestConfigs.REALTIME), Duration.ofSeconds(10));
        List<JsonNode> usage = metricLines.stream()
                .map(l -> Json.read(l, JsonNode.class))
                .filter(n -> n.path("usage").asText().equals(MetricNames.TENANT_USAGE))
                .toList();
        Map<String, Double> items = new java.util.HashMap<>();
        Map<String, Double> seconds = new java.util.HashMap<>();
        for (JsonNode record : usage) {
            assertThat(record.get("_aws")
                            .get("CloudWatchMetrics")
                            .get(0)
                            .get("Dimensions")
                            .get(0)
                            .toString())
                    .as("the tenant is a property, not a dimension")
                    .doesNotContain(MetricNames.TENANT + "\"");
            items.merge(
                    record.get(MetricNames.TENANT).asText(),
                    record.get(MetricNames.EXPERT_ITEMS).asDouble(),
                    Double::sum);
            seconds.merge(
                    record.get(MetricNames.TENANT).asText(),
                    record.get(MetricNames.EXPERT_BUSY_SECONDS).asDouble(),
                    Double::sum);
        }
        assertThat(items).containsEntry("acme", 1.0).containsEntry("beta", 2.0);
        assertThat(seconds.get("acme")).isPositive();
        assertThat(seconds.get("beta")).isPositive();
    }

    private List<String> metricNames() {
        List<String> names = new ArrayList<>();
        for (String line : metricLines) {
            JsonNode node = Json.read(line, JsonNode.class);
            for (JsonNode m : node.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics")) {
                names.add(m.get("Name").asText());
            }
        }
        return names;
    }
}
