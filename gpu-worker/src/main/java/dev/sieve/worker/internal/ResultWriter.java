package dev.sieve.worker.internal;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.worker.ResultSink;
import dev.sieve.worker.WorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gathers item results into their message and, once a message is complete, writes it through the
 * {@link ResultSink} on a writer pool and only then deletes it. A write hit by a dependency outage is held
 * and retried ({@link TransientRetry}); any other failed write releases the message for redelivery (writes are idempotent, so the retry changes nothing already stored).
 */
public final class ResultWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ResultWriter.class);
    static final String REQUEST_ID = "request_id";

    private final ResultSink sink;
    private final LeaseKeeper leases;
    private final WorkerMetrics metrics;
    private final List<String> labels;
    private final int itemRetryLimit;
    private final ExecutorService writers;
    private final TransientRetry outages;

    public ResultWriter(
            WorkerConfig config,
            ResultSink sink,
            LeaseKeeper leases,
            WorkerMetrics metrics,
            List<String> labels,
            TransientRetry outages) {
        this.outages = outages;
        this.sink = sink;
        this.leases = leases;
        this.metrics = metrics;
        this.labels = labels;
        this.itemRetryLimit = config.itemRetryLimit();
        this.writers = Executors.newFixedThreadPool(config.writerThreads(), Threads.named("sieve-writer"));
    }

    /** Stores one item's result; the result that completes the message sends it to be written. */
    public void complete(InFlightMessage message, int index, ItemResult result) {
        if (message.complete(index, result)) {
            submit(message);
        }
    }

    /**
     * One item cannot be processed. Before {@code itemRetryLimit} receives its message is released
     * for another try (with back-off); from then on the item is answered with the gate's label and
     * the reason in {@code error}, so one bad item never blocks its message forever.
     */
    public void itemFailed(InFlightMessage message, int index, String reason) {
        QueueItem item = message.items().get(index);
        try {
            MDC.put(REQUEST_ID, message.requestId());
            if (message.receiveCount() >= itemRetryLimit) {
                metrics.itemError(message.queue());
                LOG.warn(
                        "item {} of message {} failed on receive {}; answered with the gate's label: {}",
                        item.id(),
                        message.messageId(),
                        message.receiveCount(),
                        reason);
                complete(message, index, ResultMapper.failed(item, labels, reason));
            } else {
                LOG.warn(
                        "item {} of message {} failed on receive {}; message released for a retry: {}",
                        item.id(),
                        message.messageId(),
                        message.receiveCount(),
                        reason);
                leases.release(message, LeaseKeeper.retryDelay(message));
            }
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }

    /** Writes a message whose items all have results (or that has none). */
    public void submit(InFlightMessage message) {
        try {
            writers.execute(() -> {
                if (message.startWriting()) {
                    write(message, TransientRetry.Attempt.FIRST);
                }
            });
        } catch (RejectedExecutionException e) {
            leases.release(message, Duration.ZERO);
        }
    }

    private void write(InFlightMessage message, TransientRetry.Attempt attempt) {
        if (message.state() != InFlightMessage.State.WRITING) {
            return; // released meanwhile (drain)
        }
        QueueMessage body = message.body();
        try {
            MDC.put(REQUEST_ID, body.requestId());
            ResultSink.Outcome outcome = sink.write(body, message.items(), message.results());
            metrics.written(message.items().size());
            if (outcome.completedNow()) {
                metrics.completed(body);
                LOG.info(
                        body.kind() == QueueMessage.Kind.REQUEST
                                ? "request {} complete"
                                : "job {} chunk counted as done",
                        body.requestId());
            }
            // Counted first, deleted last: whoever sees the message gone also sees it counted.
            leases.delete(message);
        } catch (RuntimeException e) {
            if (outages.hold(message, e, attempt, writers, next -> write(message, next))) {
                return;
            }
            metrics.writeFailure(message.queue());
            LOG.warn(
                    "results of message {} could not be written; released for redelivery: {}",
                    message.messageId(),
                    e.toString());
            leases.releaseAfterFailedWrite(message);
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }

    /** Lets queued writes finish (up to {@code timeout}), then stops the pool. */
    public void close(Duration timeout) {
        writers.shutdown();
        Threads.await(writers, timeout);
    }
}
