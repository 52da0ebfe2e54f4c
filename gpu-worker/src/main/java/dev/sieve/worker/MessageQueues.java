package dev.sieve.worker;

import java.time.Duration;
import java.util.List;

/** The queue operations the worker needs; {@link dev.sieve.worker.internal.SqsMessageQueues} is the real one. */
public interface MessageQueues {

    /** Receives up to 10 messages, leasing them for {@code visibility}; {@code waitSeconds} 0 = short poll. */
    List<ReceivedMessage> receive(QueueRef queue, int waitSeconds, Duration visibility);

    /** Deletes messages (any number; sent in batches of 10). Failures are logged, not thrown. */
    void delete(QueueRef queue, List<String> receiptHandles);

    /** Sets the visibility of messages (any number; sent in batches of 10). Failures are logged. */
    void changeVisibility(QueueRef queue, List<String> receiptHandles, Duration visibility);
}
