package dev.sieve.worker.internal;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.worker.QueueRef;
import dev.sieve.worker.ReceivedMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A received message from its receive until it is deleted or released. Its items' results gather
 * here; when the last one arrives the message is written as a whole and then deleted.
 */
public final class InFlightMessage {

    /** Life cycle; only forward transitions. */
    public enum State {
        /** received, being parsed, tokenized or batched */
        PROCESSING,
        /** every item has a result; the results are being written */
        WRITING,
        /** deleted after a durable write, or released back to the queue */
        FINISHED
    }

    private final QueueRef queue;
    private final String messageId;
    private final int receiveCount;
    private final long receivedAtMillis;
    private volatile String receiptHandle;
    private final AtomicReference<State> state = new AtomicReference<>(State.PROCESSING);
    private volatile QueueMessage body;
    private volatile List<QueueItem> items = List.of();
    private volatile AtomicReferenceArray<ItemResult> results = new AtomicReferenceArray<>(0);
    private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);

    public InFlightMessage(QueueRef queue, ReceivedMessage received, long receivedAtMillis) {
        this.queue = queue;
        this.messageId = received.messageId();
        this.receiptHandle = received.receiptHandle();
        this.receiveCount = received.receiveCount();
        this.receivedAtMillis = receivedAtMillis;
    }

    /** Called once the body is parsed and its items known. */
    public void parsed(QueueMessage body, List<QueueItem> items) {
        this.body = body;
        this.items = List.copyOf(items);
        this.results = new AtomicReferenceArray<>(items.size());
        this.remaining.set(items.size());
    }

    /**
     * Stores one item's result; true exactly once, for the call that completes the message while it
     * is still processing.
     */
    public boolean complete(int index, ItemResult result) {
        if (state.get() != State.PROCESSING || !results.compareAndSet(index, null, result)) {
            return false;
        }
        return remaining.decrementAndGet() == 0;
    }

    /** True when every item has a result (also for a message with no items). */
    public boolean allAnswered() {
        return remaining.get() == 0;
    }

    public boolean startWriting() {
        return state.compareAndSet(State.PROCESSING, State.WRITING);
    }

    /** Moves to FINISHED; true for the first caller (who then deletes or releases it). */
    public boolean finish() {
        return state.getAndSet(State.FINISHED) != State.FINISHED;
    }

    /** Gives up on a message still processing (e.g. to release it); true for the first caller. */
    public boolean abandon() {
        return state.compareAndSet(State.PROCESSING, State.FINISHED);
    }

    public State state() {
        return state.get();
    }

    public QueueRef queue() {
        return queue;
    }

    public String messageId() {
        return messageId;
    }

    public String receiptHandle() {
        return receiptHandle;
    }

    /** A duplicate receive of a message already in flight: keep the newest handle (SQS wants it). */
    public void renewReceipt(String handle) {
        this.receiptHandle = handle;
    }

    public int receiveCount() {
        return receiveCount;
    }

    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    /** The parsed body, or null before parsing. */
    public QueueMessage body() {
        return body;
    }

    public List<QueueItem> items() {
        return items;
    }

    /** Results in item order (all non-null once {@link #allAnswered()}). */
    public List<ItemResult> results() {
        ItemResult[] copy = new ItemResult[results.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = results.get(i);
        }
        return List.of(copy);
    }

    /** Request or job id for logs, or "-" before parsing. */
    public String requestId() {
        QueueMessage b = body;
        return b == null ? "-" : b.requestId();
    }
}
