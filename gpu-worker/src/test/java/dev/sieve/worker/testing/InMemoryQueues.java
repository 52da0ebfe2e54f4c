package dev.sieve.worker.testing;

import dev.sieve.worker.MessageQueues;
import dev.sieve.worker.QueueRef;
import dev.sieve.worker.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQS semantics the worker relies on, in memory: visibility leases, receive counts, the newest
 * receipt handle, redrive to a DLQ after {@code maxReceiveCount} receives.
 */
public final class InMemoryQueues implements MessageQueues {

    /** One message and its SQS state. */
    public static final class Stored {
        public final String id;
        public final String body;
        public int receiveCount;
        public long visibleAtMillis;
        public String receipt;
        public boolean deleted;
        public boolean inDlq;

        Stored(String id, String body) {
            this.id = id;
            this.body = body;
        }
    }

    private final int maxReceiveCount;
    private final Map<String, List<Stored>> queues = new LinkedHashMap<>();
    private final List<String> receiveLog = new ArrayList<>();
    private int nextId;

    public InMemoryQueues(int maxReceiveCount) {
        this.maxReceiveCount = maxReceiveCount;
    }

    public synchronized String send(String queueUrl, String body) {
        String id = "m" + (++nextId);
        queues.computeIfAbsent(queueUrl, q -> new ArrayList<>()).add(new Stored(id, body));
        return id;
    }

    @Override
    public synchronized List<ReceivedMessage> receive(QueueRef queue, int waitSeconds, Duration visibility) {
        long now = System.currentTimeMillis();
        List<ReceivedMessage> out = new ArrayList<>();
        for (Stored s : queues.getOrDefault(queue.url(), List.of())) {
            if (out.size() == 10) {
                break;
            }
            if (s.deleted || s.inDlq || s.visibleAtMillis > now) {
                continue;
            }
            if (s.receiveCount >= maxReceiveCount) {
                s.inDlq = true;
                continue;
            }
            s.receiveCount++;
            s.visibleAtMillis = now + visibility.toMillis();
            s.receipt = s.id + "#" + s.receiveCount;
            out.add(new ReceivedMessage(s.id, s.receipt, s.body, s.receiveCount));
        }
        if (!out.isEmpty()) {
            receiveLog.add(queue.priority().name());
        }
        if (out.isEmpty() && waitSeconds > 0) {
            try {
                wait(Math.min(50, waitSeconds * 1000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    @Override
    public synchronized void delete(QueueRef queue, List<String> receiptHandles) {
        for (Stored s : queues.getOrDefault(queue.url(), List.of())) {
            if (receiptHandles.contains(s.receipt)) {
                s.deleted = true;
            }
        }
    }

    @Override
    public synchronized void changeVisibility(QueueRef queue, List<String> receiptHandles, Duration visibility) {
        long now = System.currentTimeMillis();
        for (Stored s : queues.getOrDefault(queue.url(), List.of())) {
            if (receiptHandles.contains(s.receipt) && !s.deleted) {
                s.visibleAtMillis = now + visibility.toMillis();
            }
        }
    }

    /** Priority of every receive that returned messages, in order. */
    public synchronized List<String> receiveLog() {
        return List.copyOf(receiveLog);
    }

    public synchronized List<Stored> messages(String queueUrl) {
        return List.copyOf(queues.getOrDefault(queueUrl, List.of()));
    }
}
