package dev.sieve.worker;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import java.util.List;

/**
 * Durable, idempotent storage of one message's results. Writing the same message twice changes
 * nothing the second time.
 */
public interface ResultSink {

    /**
     * Writes the results of one message (same order as its items).
     *
     * @return what the write changed
     * @throws RuntimeException if the results could not be made durable (the message is then released)
     */
    Outcome write(QueueMessage message, List<QueueItem> items, List<ItemResult> results);

    /**
     * @param newlyWritten results written by this call (0 when an earlier delivery wrote them all)
     * @param completedNow true for the one write that completed the request or counted the chunk
     */
    record Outcome(int newlyWritten, boolean completedNow) {}
}
