package dev.sieve.worker.internal;

import dev.sieve.worker.MessageQueues;
import dev.sieve.worker.QueueRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the leases of the messages in flight: renews them on every heart-beat, deletes a message once
 * its results are durable, and gives a message back to its queue (release) when it cannot be finished
 * here. Every way a message leaves {@link InFlight} goes through this class, so none is stranded.
 */
public final class LeaseKeeper {
    private final InFlight inFlight;
    private final DynamicBatcher<WorkItem> batcher;
    private final Acknowledger acks;
    private final MessageQueues queues;
    private final Duration visibilityTimeout;

    public LeaseKeeper(
            InFlight inFlight,
            DynamicBatcher<WorkItem> batcher,
            Acknowledger acks,
            MessageQueues queues,
            Duration visibilityTimeout) {
        this.inFlight = inFlight;
        this.batcher = batcher;
        this.acks = acks;
        this.queues = queues;
        this.visibilityTimeout = visibilityTimeout;
    }

    /** Gives a still-processing message back to its queue; true if this call released it. */
    public boolean release(InFlightMessage message, Duration visibility) {
        if (!message.abandon()) {
            return false;
        }
        inFlight.unregister(message);
        batcher.removeIf(w -> w.message() == message);
        acks.release(message.queue(), message.receiptHandle(), visibility);
        return true;
    }

    /** A message received while the worker stops: straight back to its queue. */
    public void releaseUnregistered(QueueRef queue, String receiptHandle) {
        acks.release(queue, receiptHandle, Duration.ZERO);
    }

    /** The message's results are durable: delete it (once). */
    public void delete(InFlightMessage message) {
        if (message.finish()) {
            inFlight.unregister(message);
            acks.delete(message.queue(), message.receiptHandle());
        }
    }

    /** The message's results could not be written: release it for redelivery after back-off (once). */
    public void releaseAfterFailedWrite(InFlightMessage message) {
        if (message.finish()) {
            inFlight.unregister(message);
            acks.release(message.queue(), message.receiptHandle(), retryDelay(message));
        }
    }

    /** Gives a message back at once, processing or writing (drain of a held message); true if released. */
    public boolean releaseNow(InFlightMessage message) {
        if (!message.finish()) {
            return false;
        }
        inFlight.unregister(message);
        batcher.removeIf(w -> w.message() == message);
        acks.release(message.queue(), message.receiptHandle(), Duration.ZERO);
        return true;
    }

    /** Releases every message still processing (drain); returns how many. */
    public int releaseAllProcessing() {
        int released = 0;
        for (InFlightMessage message : inFlight.snapshot()) {
            if (message.state() == InFlightMessage.State.PROCESSING && release(message, Duration.ZERO)) {
                released++;
            }
        }
        return released;
    }

    /** Heart-beat: extends the lease of everything not yet finished by a full visibility timeout. */
    public void renew() {
        Map<QueueRef, List<String>> handles = new HashMap<>();
        for (InFlightMessage m : inFlight.messages()) {
            if (m.state() != InFlightMessage.State.FINISHED) {
                handles.computeIfAbsent(m.queue(), q -> new ArrayList<>()).add(m.receiptHandle());
            }
        }
        handles.forEach((queue, list) -> queues.changeVisibility(queue, list, visibilityTimeout));
    }

    /** Back-off before a failed message is seen again: 1, 2, 4 ... 60 s by receive count. */
    public static Duration retryDelay(InFlightMessage message) {
        return Duration.ofSeconds(Math.min(60, 1L << Math.min(6, Math.max(0, message.receiveCount() - 1))));
    }
}
