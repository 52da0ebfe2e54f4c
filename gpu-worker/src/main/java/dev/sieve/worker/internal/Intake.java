package dev.sieve.worker.internal;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.worker.WorkerConfig;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * From a received body to tokenized items in the batcher, on a tokenizer pool: parse the body, check
 * the bundle version, load an S3 payload, answer the items whose text the {@link AnswerCache} knows
 * (tier {@code cache}), then tokenize the rest in slices of 16 items so that one large message spreads
 * over every tokenizer thread.
 */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    private static final int TOKENIZE_SLICE = 16;

    private final Expert expert;
    private final String bundleVersion;
    private final Function<String, List<QueueItem>> payloads;
    private final DynamicBatcher<WorkItem> batcher;
    private final InFlight inFlight;
    private final LeaseKeeper leases;
    private final ResultWriter writer;
    private final AnswerCache cache;
    private final List<String> labels;
    private final WorkerMetrics metrics;
    private final Duration releaseDelay;
    private final ExecutorService tokenizers;
    private final TransientRetry outages;

    public Intake(
            WorkerConfig config,
            Expert expert,
            String bundleVersion,
            Function<String, List<QueueItem>> payloads,
            DynamicBatcher<WorkItem> batcher,
            InFlight inFlight,
            LeaseKeeper leases,
            ResultWriter writer,
            AnswerCache cache,
            WorkerMetrics metrics,
            TransientRetry outages) {
        this.expert = expert;
        this.bundleVersion = bundleVersion;
        this.payloads = payloads;
        this.batcher = batcher;
        this.inFlight = inFlight;
        this.leases = leases;
        this.writer = writer;
        this.cache = cache;
        this.labels = expert.labels();
        this.metrics = metrics;
        this.outages = outages;
        this.releaseDelay = config.releaseDelay();
        this.tokenizers = Executors.newFixedThreadPool(config.tokenizerThreads(), Threads.named("sieve-tokenizer"));
    }

    /** Takes a newly registered message; returns at once. */
    public void submit(InFlightMessage message, String rawBody) {
        tokenizers.execute(() -> intake(message, rawBody, TransientRetry.Attempt.FIRST));
    }

    /** Stops the pool (drain: what is left of the messages has been released). */
    public void close() {
        tokenizers.shutdownNow();
    }

    private void intake(InFlightMessage message, String rawBody, TransientRetry.Attempt attempt) {
        if (message.state() != InFlightMessage.State.PROCESSING) {
            return; // released meanwhile (drain)
        }
        QueueMessage body;
        try {
            body = Json.read(rawBody, QueueMessage.class);
        } catch (RuntimeException e) {
            poison(message, "body is not a queue message: " + e.getMessage());
            return;
        }
        try {
            MDC.put(ResultWriter.REQUEST_ID, body.requestId());
            if (!bundleVersion.equals(body.bundleVersion())) {
                metrics.releasedForVersion(message.queue());
                LOG.info(
                        "message {} is for bundle {}, this worker serves {}; released for {} s",
                        message.messageId(),
                        body.bundleVersion(),
                        bundleVersion,
                        releaseDelay.toSeconds());
                leases.release(message, releaseDelay);
                return;
            }
            List<QueueItem> items;
            try {
                items = body.items() != null ? body.items() : payloads.apply(body.payloadUri());
            } catch (RuntimeException e) {
                if (outages.hold(message, e, attempt, tokenizers, next -> intake(message, rawBody, next))) {
                    return;
                }
                LOG.warn(
                        "message {} (receive {}): cannot load its items: {}",
                        message.messageId(),
                        message.receiveCount(),
                        e.getMessage());
                leases.release(message, LeaseKeeper.retryDelay(message));
                return;
            }
            message.parsed(body, items);
            inFlight.parsed(items.size());
            metrics.queueWait(message.queue(), message.receivedAtMillis() - body.enqueuedAtEpochMs());
            if (items.isEmpty()) {
                writer.submit(message);
                return;
            }
            String[] fingerprints = new String[items.size()];
            List<Integer> misses = answerKnown(message, fingerprints);
            for (int from = TOKENIZE_SLICE; from < misses.size(); from += TOKENIZE_SLICE) {
                List<Integer> slice = misses.subList(from, Math.min(misses.size(), from + TOKENIZE_SLICE));
                tokenizers.execute(() -> tokenize(message, slice, fingerprints));
            }
            tokenize(message, misses.subList(0, Math.min(misses.size(), TOKENIZE_SLICE)), fingerprints);
        } finally {
            MDC.remove(ResultWriter.REQUEST_ID);
        }
    }

    /**
     * Fills in every item's fingerprint, answers the items whose text has a cached answer, and returns
     * the indices of the others (in order).
     */
    private List<Integer> answerKnown(InFlightMessage message, String[] fingerprints) {
        List<QueueItem> items = message.items();
        for (int i = 0; i < items.size(); i++) {
            fingerprints[i] = cache.fingerprint(message.body().requestId(), items.get(i));
        }
        Map<String, float[]> known = cache.lookup(Arrays.asList(fingerprints));
        List<Integer> misses = new ArrayList<>(items.size());
        int hits = 0;
        for (int i = 0; i < items.size(); i++) {
            float[] answer = fingerprints[i] == null ? null : known.get(fingerprints[i]);
            if (answer != null && answer.length == labels.size()) {
                writer.complete(message, i, ResultMapper.cached(items.get(i), answer, labels));
                hits++;
            } else {
                misses.add(i);
            }
        }
        metrics.cacheHits(hits);
        return misses;
    }

    private void tokenize(InFlightMessage message, List<Integer> indices, String[] fingerprints) {
        int priority = message.body().priority().ordinal();
        List<WorkItem> ready = new ArrayList<>(indices.size());
        for (int i : indices) {
            if (message.state() != InFlightMessage.State.PROCESSING) {
                return;
            }
            QueueItem item = message.items().get(i);
            ExpertInput input;
            try {
                input = expert.prepare(item.text(), item.gateProbabilities());
            } catch (RuntimeException e) {
                writer.itemFailed(message, i, "tokenizer failed: " + e.getMessage());
                continue;
            }
            ready.add(new WorkItem(message, i, item, input, fingerprints[i]));
        }
        // The slice goes in at once: a real-time batch released while the expert is idle takes it whole.
        batcher.addAll(ready, priority, w -> w.input().tokens());
    }

    /**
     * A body that is not a queue message: not deleted. It is released at once so that SQS's redrive
     * moves it to the DLQ after {@code maxReceiveCount} receives; the reason is logged with the
     * message id (which the DLQ keeps).
     */
    private void poison(InFlightMessage message, String reason) {
        metrics.poison(message.queue());
        LOG.warn(
                "poison message {} on the {} queue (receive {}): {}; left for the DLQ",
                message.messageId(),
                message.queue().label(),
                message.receiveCount(),
                reason);
        leases.release(message, Duration.ZERO);
    }
}
