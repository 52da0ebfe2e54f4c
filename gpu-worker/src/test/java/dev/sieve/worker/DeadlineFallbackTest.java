package dev.sieve.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.EmfMetrics;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlines enforced when a batch forms: late items of consenting requests get the gate's label. */
class DeadlineFallbackTest {
    private final InMemoryQueues queues = new InMemoryQueues(3);
    private final InMemorySink sink = new InMemorySink();
    private final FakeExpert expert = new FakeExpert();
    private final List<String> metricLines = new CopyOnWriteArrayList<>();
    private Worker worker;

    @AfterEach
    void stop() {
        worker.drain(Duration.ZERO);
    }

    private static String message(String requestId, long deadlineOffsetMs, boolean allow, float[] gate) {
        long now = System.currentTimeMillis();
        return Json.write(QueueMessage.inline(
                        QueueMessage.Kind.REQUEST,
                        requestId,
                        0,
                        Priority.REALTIME,
                        now + deadlineOffsetMs,
                        "v1",
                        now,
                        List.of(QueueItem.of("a", "late words", gate), QueueItem.of("b", "more words here", gate)))
                .withGateFallback(allow));
    }

    @Test
    void inference_whenTheDeadlinePassedAndFallbackIsAllowed_answersWithTheGateLabelWithoutTheExpert()
            throws Exception {
        float[] gate = {0.3f, 0.7f};
        queues.send(TestConfigs.REALTIME, message("late-allowed", -1_000, true, gate));
        queues.send(TestConfigs.REALTIME, message("late-refused", -1_000, false, gate));
        queues.send(TestConfigs.REALTIME, message("on-time", 60_000, true, gate));
        queues.send(TestConfigs.REALTIME, message("late-no-gate", -1_000, true, null));

        worker = Worker.builder()
                .config(TestConfigs.config(Map.of()))
                .expert(expert)
                .bundleVersion("v1")
                .queues(queues)
                .sink(sink)
                .metrics(EmfMetrics.to("Test", Map.of("service", "worker"), metricLines::add, Clock.systemUTC()))
                .build();
        worker.start();

        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!queues.messages(TestConfigs.REALTIME).stream().allMatch(m -> m.deleted)) {
            assertThat(System.nanoTime())
                    .as("every message deleted within 10 s")
                    .isLessThan(until);
            Thread.sleep(10);
        }
        Map<String, ItemResult> results = sink.results();
        assertThat(results).hasSize(8);
        ItemResult fallback = results.get("late-allowed/a");
        assertThat(fallback.tier()).isEqualTo(Tier.GATE_FALLBACK);
        assertThat(fallback.reason()).isEqualTo(ItemResult.REASON_DEADLINE_PASSED);
        assertThat(fallback.label()).isEqualTo("spam");
        assertThat(fallback.confidence()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(fallback.error()).isNull();
        assertThat(results.get("late-allowed/b").tier()).isEqualTo(Tier.GATE_FALLBACK);
        // Without consent, before the deadline, or without the gate's probabilities: the expert answers.
        for (String other : List.of("late-refused", "on-time", "late-no-gate")) {
            assertThat(results.get(other + "/a").tier()).as(other).isEqualTo(Tier.EXPERT);
            assertThat(results.get(other + "/a").reason()).as(other).isNull();
        }
        int expertItems = expert.batches().stream().mapToInt(List::size).sum();
        assertThat(expertItems)
                .as("the late, consenting items cost no expert time")
                .isEqualTo(6);
        assertThat(worker.stats().gateFallbacks()).isEqualTo(2);
        double emitted = metricLines.stream()
                .map(l -> Json.read(l, com.fasterxml.jackson.databind.JsonNode.class))
                .filter(n -> n.has("DeadlineFallbacks"))
                .mapToDouble(n -> n.get("DeadlineFallbacks").asDouble())
                .sum();
        assertThat(emitted).isEqualTo(2.0);
    }
}
