package dev.sieve.worker.internal;

import dev.sieve.worker.MessageQueues;
import dev.sieve.worker.QueueRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends deletes and visibility changes in batches from one thread: it takes the first request, then
 * everything queued meanwhile, and groups them per queue into {@code DeleteMessageBatch} /
 * {@code ChangeMessageVisibilityBatch} calls. No added latency when idle, up to 10 per call when busy.
 */
public final class Acknowledger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Acknowledger.class);

    private sealed interface Request permits Ack, Flush {}

    /** {@code visibility == null} means delete. */
    private record Ack(QueueRef queue, String receiptHandle, Duration visibility) implements Request {}

    private record Flush(CountDownLatch done) implements Request {}

    private record Group(QueueRef queue, Duration visibility) {}

    private final MessageQueues queues;
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    public Acknowledger(MessageQueues queues) {
        this.queues = queues;
        this.thread = Thread.ofPlatform().name("sieve-acks").daemon(true).start(this::run);
    }

    public void delete(QueueRef queue, String receiptHandle) {
        requests.add(new Ack(queue, receiptHandle, null));
    }

    public void release(QueueRef queue, String receiptHandle, Duration visibility) {
        requests.add(new Ack(queue, receiptHandle, visibility));
    }

    /** Waits until everything queued before this call has been sent (or the timeout passes). */
    public boolean flush(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        requests.add(new Flush(done));
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        List<Request> taken = new ArrayList<>();
        while (!closed || !requests.isEmpty()) {
            try {
                Request first = requests.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                requests.drainTo(taken);
                send(taken);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("acknowledgements failed: {}", e.toString());
            } finally {
                for (Request r : taken) {
                    if (r instanceof Flush f) {
                        f.done().countDown();
                    }
                }
                taken.clear();
            }
        }
    }

    private void send(List<Request> taken) {
        Map<Group, List<String>> groups = new LinkedHashMap<>();
        for (Request r : taken) {
            if (r instanceof Ack a) {
                groups.computeIfAbsent(new Group(a.queue(), a.visibility()), g -> new ArrayList<>())
                        .add(a.receiptHandle());
            }
        }
        groups.forEach((group, handles) -> {
            if (group.visibility() == null) {
                queues.delete(group.queue(), handles);
            } else {
                queues.changeVisibility(group.queue(), handles, group.visibility());
            }
        });
    }

    @Override
    public void close() {
        try {
            flush(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
