package dev.sieve.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.testing.FakeExpert;
import dev.sieve.worker.testing.InMemoryQueues;
import dev.sieve.worker.testing.InMemoryResponseCache;
import dev.sieve.worker.testing.InMemorySink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The response cache: every distinct text reaches the expert once per bundle version. */
class ResponseCacheTest {
    private static final int ITEMS = 400;

    private final InMemoryResponseCache shared = new InMemoryResponseCache();

    /** 400 items, 30 % of them repeats of earlier texts (some in the same message, some far apart). */
    private static List<String> workload() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        int distinct = 0;
        for (int i = 0; i < ITEMS; i++) {
            if (i > 0 && random.nextDouble() < 0.3) {
                // the same text with other spacing: normalization makes it the same text
                texts.add(texts.get(random.nextInt(texts.size())).replace(" ", "  "));
            } else {
                texts.add("campaign " + distinct++ + " words " + Integer.toHexString(random.nextInt()));
            }
        }
        return texts;
    }

    private record Run(Map<String, ItemResult> results, Map<String, Integer> expertRuns, WorkerStats stats) {}

    private Run run(String version, List<String> texts) throws InterruptedException {
        return run(version, texts, "", Map.of());
    }

    /** @param tenant the prefix of the request ids ({@code acme/}), empty for ids without a tenant */
    private Run run(String version, List<String> texts, String tenant, Map<String, String> settings)
            throws InterruptedException {
        InMemoryQueues queues = new InMemoryQueues(3);
        InMemorySink sink = new InMemorySink();
        FakeExpert expert = new FakeExpert();
        for (int from = 0, m = 0; from < texts.size(); from += 20, m++) {
            List<QueueItem> items = new ArrayList<>();
            for (int i = from; i < Math.min(texts.size(), from + 20); i++) {
                items.add(QueueItem.of("t" + i, texts.get(i), new float[] {0.5f, 0.5f}));
            }
            long now = System.currentTimeMillis();
            queues.send(
                    TestConfigs.ASYNC,
                    Json.write(QueueMessage.inline(
                            QueueMessage.Kind.REQUEST,
                            tenant + "r" + m,
                            0,
                            Priority.ASYNC,
                            now + 60_000,
                            version,
                            now,
                            items)));
        }
        Map<String, String> env = new HashMap<>(settings);
        env.put("SIEVE_MAX_BATCH_ITEMS", "16");
        env.put("SIEVE_CACHE_TTL_HOURS", "24");
        Worker worker = Worker.builder()
                .config(TestConfigs.config(env))
                .expert(expert)
                .bundleVersion(version)
                .queues(queues)
                .sink(sink)
                .responseCache(shared)
                .build();
        worker.start();
        try {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!queues.messages(TestConfigs.ASYNC).stream().allMatch(m -> m.deleted)) {
                assertThat(System.nanoTime())
                        .as("every message answered within 20 s")
                        .isLessThan(until);
                Thread.sleep(10);
            }
            return new Run(sink.results(), expertRuns(expert), worker.stats());
        } finally {
            worker.drain(Duration.ofSeconds(5));
        }
    }

    /** How often the expert ran each input (by its token ids: one text, one key). */
    private static Map<String, Integer> expertRuns(FakeExpert expert) {
        Map<String, Integer> runs = new HashMap<>();
        for (List<ExpertInput> batch : expert.batches()) {
            for (ExpertInput input : batch) {
                runs.merge(Arrays.toString(input.tokenIds()), 1, Integer::sum);
            }
        }
        return runs;
    }

    @Test
    void worker_whenThirtyPercentOfTextsRepeat_sendsEachDistinctTextToTheExpertOncePerBundleVersion() throws Exception {
        List<String> texts = workload();
        long distinct =
                texts.stream().map(t -> t.replaceAll("\\s+", " ")).distinct().count();
        assertThat(distinct).isBetween(250L, 300L);

        Run first = run("v1", texts);

        assertThat(first.results()).hasSize(ITEMS);
        assertThat(first.expertRuns()).hasSize((int) distinct).allSatisfy((text, n) -> assertThat(n)
                .as("expert runs of one text")
                .isEqualTo(1));
        long cached = first.results().values().stream()
                .filter(r -> r.tier() == Tier.CACHE)
                .count();
        assertThat(cached).isEqualTo(ITEMS - distinct);
        assertThat(first.stats().cacheHits()).isEqualTo(ITEMS - distinct);
        assertThat(first.stats().cacheMisses()).isEqualTo(distinct);
        assertThat(first.stats().cacheHitRate()).isCloseTo((ITEMS - distinct) / (double) ITEMS, within());
        // A repeat gets exactly the expert's answer for its text.
        for (int i = 0; i < ITEMS; i++) {
            ItemResult r = first.results().get("r" + i / 20 + "/t" + i);
            ItemResult original = first.results().get(firstOccurrence(texts, i));
            assertThat(r.label()).isEqualTo(original.label());
            assertThat(r.confidence()).isEqualTo(original.confidence());
        }
        assertThat(shared.size()).isEqualTo((int) distinct);

        // Another worker of the same version (nothing in its memory) finds every text in the shared store.
        Run again = run("v1", texts);
        assertThat(again.expertRuns()).isEmpty();
        assertThat(again.results().values()).allMatch(r -> r.tier() == Tier.CACHE);

        // A new bundle version does not reuse the old answers: each distinct text runs once more.
        Run next = run("v2", texts);
        assertThat(next.expertRuns()).hasSize((int) distinct).allSatisfy((text, n) -> assertThat(n)
                .isEqualTo(1));
    }

    @Test
    void worker_whenAnotherTenantSendsTheSameTexts_answersItFromTheExpertNotFromTheFirstTenantsAnswers()
            throws Exception {
        List<String> texts = workload();
        long distinct =
                texts.stream().map(t -> t.replaceAll("\\s+", " ")).distinct().count();
        run("v1", texts, "acme/", Map.of());

        Run other = run("v1", texts, "globex/", Map.of());

        // Within its own items globex still gets hits; nothing of acme's reaches it.
        assertThat(other.expertRuns()).hasSize((int) distinct);
        assertThat(other.stats().cacheHits()).isEqualTo(ITEMS - distinct);
        assertThat(shared.size()).isEqualTo(2 * (int) distinct);
        // acme again: all of it is in the store under acme.
        assertThat(run("v1", texts, "acme/", Map.of()).expertRuns()).isEmpty();
    }

    @Test
    void worker_whenTheCacheIsSharedByTheDeployment_answersOneTenantFromAnothersAnswers() throws Exception {
        List<String> texts = workload();
        Map<String, String> shareAll = Map.of("SIEVE_CACHE_SCOPE", "deployment");
        run("v1", texts, "acme/", shareAll);

        Run other = run("v1", texts, "globex/", shareAll);

        assertThat(other.expertRuns()).isEmpty();
        assertThat(other.results().values()).allMatch(r -> r.tier() == Tier.CACHE);
    }

    @Test
    void config_whenTheCacheScopeIsUnknown_namesTheSettingAndTheAllowedValues() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TestConfigs.config(Map.of("SIEVE_CACHE_SCOPE", "global")))
                .hasMessageContaining("SIEVE_CACHE_SCOPE")
                .hasMessageContaining("tenant")
                .hasMessageContaining("deployment");
    }

    @Test
    void worker_whenTheCacheIsOff_runsEveryItem() throws Exception {
        List<String> texts = List.of("same text", "same text", "same  text", "other");
        InMemoryQueues queues = new InMemoryQueues(3);
        InMemorySink sink = new InMemorySink();
        FakeExpert expert = new FakeExpert();
        List<QueueItem> items = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            items.add(QueueItem.of("t" + i, texts.get(i), new float[] {0.5f, 0.5f}));
        }
        long now = System.currentTimeMillis();
        queues.send(
                TestConfigs.ASYNC,
                Json.write(QueueMessage.inline(
                        QueueMessage.Kind.REQUEST, "off", 0, Priority.ASYNC, now + 60_000, "v1", now, items)));
        Worker worker = Worker.builder()
                .config(TestConfigs.config(Map.of("SIEVE_CACHE_TTL_HOURS", "0")))
                .expert(expert)
                .bundleVersion("v1")
                .queues(queues)
                .sink(sink)
                .responseCache(shared)
                .build();
        worker.start();
        try {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!queues.messages(TestConfigs.ASYNC).get(0).deleted) {
                assertThat(System.nanoTime()).isLessThan(until);
                Thread.sleep(10);
            }
        } finally {
            worker.drain(Duration.ofSeconds(5));
        }
        assertThat(expert.batches().stream().mapToInt(List::size).sum()).isEqualTo(4);
        assertThat(sink.results().values()).allMatch(r -> r.tier() == Tier.EXPERT);
        assertThat(shared.size()).isZero();
        assertThat(worker.stats().cacheHitRate()).isZero();
    }

    private static String firstOccurrence(List<String> texts, int i) {
        String normalized = texts.get(i).replaceAll("\\s+", " ");
        for (int j = 0; j <= i; j++) {
            if (texts.get(j).replaceAll("\\s+", " ").equals(normalized)) {
                return "r" + j / 20 + "/t" + j;
            }
        }
        throw new AssertionError();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
