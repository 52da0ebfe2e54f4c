package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {

    @Test
    void next_whenBatchFills_returnsWithoutWaiting() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(3, 10_000, Duration.ofSeconds(30), 8);
        batcher.add("a", 0, 10);
        batcher.add("b", 0, 10);
        batcher.add("c", 0, 10);

        long start = System.nanoTime();
        Optional<DynamicBatcher.Batch<String>> batch = batcher.next();

        assertThat(batch).isPresent();
        assertThat(batch.get().items()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(batch.get().release()).isEqualTo(DynamicBatcher.Release.FULL);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void next_whenBatchStaysSmall_flushesAfterMaxWait() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(64, 10_000, Duration.ofMillis(50), 8);
        batcher.add("only", 0, 10);

        long start = System.nanoTime();
        DynamicBatcher.Batch<String> batch = batcher.next().orElseThrow();

        assertThat(batch.items()).containsExactly("only");
        assertThat(batch.release()).isEqualTo(DynamicBatcher.Release.WAIT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
    }

    @Test
    void next_whenLowerPriorityPassedOverRepeatedly_servesItWithinTheStarvationLimit() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(1, 10_000, Duration.ZERO, 3);
        batcher.add("batch-item", 2, 10);
        int servedAt = -1;
        for (int i = 0; i < 10 && servedAt < 0; i++) {
            batcher.add("rt-" + i, 0, 10);
            String item = batcher.next().orElseThrow().items().get(0);
            if (item.equals("batch-item")) {
                servedAt = i;
            }
        }

        assertThat(servedAt).isBetween(0, 3);
    }

    @Test
    void next_whileAPriorityIsDeferred_batchesOnlyTheOthersAndTakesItOnceItIsNot() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(8, 10_000, Duration.ZERO, 8);
        java.util.concurrent.atomic.AtomicBoolean asyncDeferred = new java.util.concurrent.atomic.AtomicBoolean(true);
        batcher.defer(p -> p == 1 && asyncDeferred.get());
        batcher.add("async", 1, 10);
        batcher.add("batch", 2, 10);

        assertThat(batcher.next().orElseThrow().items()).containsExactly("batch");
        java.util.concurrent.CompletableFuture<Optional<DynamicBatcher.Batch<String>>> waiting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return batcher.next();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Thread.sleep(300);
        assertThat(waiting)
                .as("nothing handed out while the only item is deferred")
                .isNotDone();

        asyncDeferred.set(false);
        assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)
                        .orElseThrow()
                        .items())
                .containsExactly("async");
    }

    @Test
    void next_whenClosed_handsOutDeferredItemsToo() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(8, 10_000, Duration.ofSeconds(30), 8);
        batcher.defer(p -> true);
        batcher.add("held", 0, 10);
        batcher.close();

        assertThat(batcher.next().orElseThrow().items()).containsExactly("held");
        assertThat(batcher.next()).isEmpty();
    }

    @Test
    void next_whenClosedAndEmpty_returnsEmpty() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(8, 10_000, Duration.ofSeconds(30), 8);
        batcher.add("x", 1, 10);
        batcher.close();

        assertThat(batcher.next().orElseThrow().release()).isEqualTo(DynamicBatcher.Release.DRAIN);
        assertThat(batcher.next()).isEmpty();
    }

    @Test
    void next_whenTheTokenBudgetStopsTheBatch_releasesItForTokens() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(8, 100, Duration.ofSeconds(30), 8);
        batcher.add("a", 0, 40);
        batcher.add("b", 0, 40);
        batcher.add("c", 0, 40);

        DynamicBatcher.Batch<String> batch = batcher.next().orElseThrow();

        assertThat(batch.items()).hasSize(2);
        assertThat(batch.release()).isEqualTo(DynamicBatcher.Release.TOKENS);
    }

    @Test
    void removeIf_dropsPooledItems() {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(8, 10_000, Duration.ofSeconds(30), 8);
        batcher.add("keep", 0, 1);
        batcher.add("drop", 0, 1);

        assertThat(batcher.removeIf("drop"::equals)).isEqualTo(1);
        assertThat(batcher.size()).isEqualTo(1);
    }

    @Test
    void next_whenARealTimeItemFindsTheExpertIdle_releasesAtOnceWithWhatIsPooled() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(64, 10_000, Duration.ofSeconds(30), 8, 0);
        batcher.add("async", 1, 10);
        batcher.addAll(java.util.List.of("rt-a", "rt-b"), 0, item -> 10);

        long start = System.nanoTime();
        DynamicBatcher.Batch<String> batch = batcher.next().orElseThrow();

        assertThat(batch.items()).containsExactlyInAnyOrder("rt-a", "rt-b", "async");
        assertThat(batch.release()).isEqualTo(DynamicBatcher.Release.IDLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("not the 30 s window")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void next_whenOnlyLowerPrioritiesArePooled_stillWaitsOutTheWindow() throws Exception {
        DynamicBatcher<String> batcher = new DynamicBatcher<>(64, 10_000, Duration.ofMillis(80), 8, 0);
        batcher.add("async", 1, 10);

        long start = System.nanoTime();
        DynamicBatcher.Batch<String> batch = batcher.next().orElseThrow();

        assertThat(batch.release()).isEqualTo(DynamicBatcher.Release.WAIT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(70));
    }
}
