package dev.sieve.worker.internal;

import dev.sieve.shared.result.ItemResult;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertException;
import dev.sieve.worker.expert.ExpertInput;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference thread, djl-serving's {@code WorkerThread} loop: get a batch from the
 * {@link DynamicBatcher}, run the expert, hand each result to the {@link ResultWriter}. A batch the
 * expert rejects is bisected until the failing items stand alone; any other failure releases only
 * that batch's messages. Items whose deadline passed before their batch formed, and whose caller allows
 * it ({@code allow_gate_fallback}), are answered with the gate's label without expert work; a text the
 * {@link AnswerCache} learned since the item's intake, or one repeated within the batch, runs once and
 * answers its repeats (tier {@code cache}).
 */
public final class InferenceLoop {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceLoop.class);

    private final DynamicBatcher<WorkItem> batcher;
    private final Expert expert;
    private final List<String> labels;
    private final ResultWriter writer;
    private final AnswerCache cache;
    private final LeaseKeeper leases;
    private final WorkerMetrics metrics;
    private final Consumer<List<ExpertInput>> batchListener;
    private final Clock clock;
    private final Thread thread;

    public InferenceLoop(
            DynamicBatcher<WorkItem> batcher,
            Expert expert,
            ResultWriter writer,
            AnswerCache cache,
            LeaseKeeper leases,
            WorkerMetrics metrics,
            Consumer<List<ExpertInput>> batchListener,
            Clock clock) {
        this.batcher = batcher;
        this.expert = expert;
        this.labels = expert.labels();
        this.writer = writer;
        this.cache = cache;
        this.leases = leases;
        this.metrics = metrics;
        this.batchListener = batchListener;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("sieve-inference").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** Waits for the loop to end (the batcher must be closed first). */
    public void join(Duration timeout) {
        Threads.join(thread, timeout);
    }

    private void loop() {
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
        Map<String, List<WorkItem>> repeats = new HashMap<>();
        long formedAt = clock.millis();
        int fallbacks = 0;
        int hits = 0;
        for (WorkItem w : batch.items()) {
            if (w.message().state() != InFlightMessage.State.PROCESSING) {
                continue;
            }
            // A text this worker answered since the item's intake (or one already in this batch) is
            // answered from that answer: each distinct text reaches the expert once.
            float[] known = cache.local(w.fingerprint());
            if (known != null) {
                writer.complete(w.message(), w.index(), ResultMapper.cached(w.item(), known, labels));
                hits++;
                continue;
            }
            // Deadlines are enforced when the batch forms: an item already late costs no expert time
            // when its caller allowed the gate's label instead.
            Optional<ItemResult> fallback = w.message().body().gateFallbackDue(formedAt)
                    ? ResultMapper.gateFallback(w.item(), labels)
                    : Optional.empty();
            if (fallback.isPresent()) {
                writer.complete(w.message(), w.index(), fallback.get());
                fallbacks++;
            } else if (w.fingerprint() != null && repeats.containsKey(w.fingerprint())) {
                repeats.get(w.fingerprint()).add(w);
            } else {
                if (w.fingerprint() != null) {
                    repeats.put(w.fingerprint(), new ArrayList<>(1));
                }
                live.add(w);
            }
        }
        if (fallbacks > 0) {
            metrics.gateFallbacks(fallbacks);
        }
        if (!live.isEmpty()) {
            predictBatch(live, batch.release());
        }
        for (List<WorkItem> sameText : repeats.values()) {
            for (WorkItem w : sameText) {
                float[] answer = cache.local(w.fingerprint());
                if (answer != null) {
                    writer.complete(w.message(), w.index(), ResultMapper.cached(w.item(), answer, labels));
                    hits++;
                } else {
                    writer.itemFailed(w.message(), w.index(), "expert failed on the same text in this batch");
                }
            }
        }
        metrics.cacheHits(hits);
    }

    private void predictBatch(List<WorkItem> live, DynamicBatcher.Release release) {
        if (batchListener != null) {
            batchListener.accept(live.stream().map(WorkItem::input).toList());
        }
        long start = System.nanoTime();
        Map<String, float[]> answers = new HashMap<>();
        predictIsolating(live, answers);
        long nanos = System.nanoTime() - start;
        cache.remember(answers);
        int longest = 0;
        long useful = 0;
        long now = clock.millis();
        int misses = 0;
        for (WorkItem w : live) {
            longest = Math.max(longest, w.input().tokens());
            useful += w.input().tokens();
            if (now > w.message().body().deadlineEpochMs()) {
                misses++;
            }
        }
        metrics.batch(live.size(), (long) longest * live.size(), useful, nanos, misses, release);
        metrics.tenantUsage(live, nanos, useful);
        metrics.cacheMisses(cache.enabled() ? live.size() : 0);
    }

    /** Predicts, bisecting a failing batch until the failing items stand alone. */
    private void predictIsolating(List<WorkItem> items, Map<String, float[]> answers) {
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
                writer.itemFailed(w.message(), w.index(), "expert failed: " + e.getMessage());
                return;
            }
            int mid = items.size() / 2;
            predictIsolating(items.subList(0, mid), answers);
            predictIsolating(items.subList(mid, items.size()), answers);
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            WorkItem w = items.get(i);
            writer.complete(w.message(), w.index(), ResultMapper.expert(w.item(), out[i], labels));
            if (w.fingerprint() != null) {
                answers.put(w.fingerprint(), out[i]);
            }
        }
    }

    /** An unexpected error outside the expert: fail (release) only this batch's messages. */
    private void failBatch(List<WorkItem> items, Throwable error) {
        Set<InFlightMessage> messages = new LinkedHashSet<>();
        items.forEach(w -> messages.add(w.message()));
        LOG.error("batch of {} items failed; releasing its {} messages", items.size(), messages.size(), error);
        for (InFlightMessage m : messages) {
            leases.release(m, LeaseKeeper.retryDelay(m));
        }
    }
}
