package dev.sieve.worker.internal;

import dev.sieve.shared.queue.Priority;
import dev.sieve.worker.MessageQueues;
import dev.sieve.worker.QueueRef;
import dev.sieve.worker.ReceivedMessage;
import dev.sieve.worker.WorkerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller thread: receives from the queues in {@link PollOrder} (priority, with the starvation
 * rule), short polls while work keeps coming and, once every queue came back empty, long polls the
 * highest-priority queue only (the others are short-polled), stops receiving while {@code
 * maxInFlightItems} are held, skips a queue while one of its messages rides out a dependency outage
 * ({@link TransientRetry#holding}: what it would take could be neither written nor cached), and
 * registers each message before intake. Long-polling every queue in
 * turn kept a real-time message that arrived during a lower queue's long poll waiting for it: up to
 * two idle polls (measured with {@code sieve bench realtime}: p99 2.3 s at 1 s polls).
 */
public final class Poller {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

    private final List<QueueRef> queueRefs;
    private final MessageQueues queues;
    private final InFlight inFlight;
    private final LeaseKeeper leases;
    private final Intake intake;
    private final TransientRetry outages;
    private final ProtectionKeeper protection;
    private final Clock clock;
    private final int starvationLimit;
    private final int maxInFlightItems;
    private final int idlePollSeconds;
    private final Duration visibilityTimeout;
    private final Thread thread;
    private volatile boolean polling;

    public Poller(
            WorkerConfig config,
            MessageQueues queues,
            InFlight inFlight,
            LeaseKeeper leases,
            Intake intake,
            TransientRetry outages,
            ProtectionKeeper protection,
            Clock clock) {
        List<QueueRef> refs = new ArrayList<>();
        for (Priority p : Priority.values()) {
            String url = config.queueUrls().get(p);
            if (url != null) {
                refs.add(new QueueRef(p, url));
            }
        }
        this.queueRefs = List.copyOf(refs);
        this.queues = queues;
        this.inFlight = inFlight;
        this.leases = leases;
        this.intake = intake;
        this.outages = outages;
        this.protection = protection;
        this.clock = clock;
        this.starvationLimit = config.starvationLimit();
        this.maxInFlightItems = config.maxInFlightItems();
        this.idlePollSeconds = config.idlePollSeconds();
        this.visibilityTimeout = config.visibilityTimeout();
        this.thread = Thread.ofPlatform().name("sieve-poller").unstarted(this::pollLoop);
    }

    /** The queues polled, highest priority first. */
    public List<QueueRef> queues() {
        return queueRefs;
    }

    public void start() {
        polling = true;
        thread.start();
    }

    /** Stops receiving and waits for the poll in progress (at most one long poll). */
    public void stop() {
        polling = false;
        Threads.join(thread, Duration.ofSeconds(idlePollSeconds + 15L));
    }

    private void pollLoop() {
        PollOrder order = new PollOrder(queueRefs, starvationLimit);
        boolean idle = false;
        while (polling) {
            if (inFlight.items() >= maxInFlightItems) {
                Threads.sleep(5);
                continue;
            }
            List<QueueRef> polled = new ArrayList<>();
            boolean received = false;
            boolean paused = false;
            for (QueueRef queue : order.next()) {
                if (!polling) {
                    break;
                }
                if (outages.holding(queue)) {
                    paused = true;
                    continue;
                }
                polled.add(queue);
                List<ReceivedMessage> messages;
                try {
                    messages = queues.receive(
                            queue, waitSeconds(idle, queue, queueRefs, idlePollSeconds), visibilityTimeout);
                } catch (RuntimeException e) {
                    LOG.warn("receive from the {} queue failed: {}", queue.label(), e.toString());
                    Threads.sleep(1000);
                    continue;
                }
                if (!messages.isEmpty()) {
                    accept(queue, messages);
                    received = true;
                    break;
                }
            }
            order.polled(polled);
            idle = !received;
            if (paused && !received) {
                Threads.sleep(250);
            }
        }
    }

    /** How long one receive waits: only the highest-priority queue is long-polled, and only when idle. */
    static int waitSeconds(boolean idle, QueueRef queue, List<QueueRef> byPriority, int idlePollSeconds) {
        return idle && queue.equals(byPriority.get(0)) ? idlePollSeconds : 0;
    }

    private void accept(QueueRef queue, List<ReceivedMessage> messages) {
        for (ReceivedMessage received : messages) {
            if (!polling) {
                leases.releaseUnregistered(queue, received.receiptHandle());
                continue;
            }
            InFlightMessage message = new InFlightMessage(queue, received, clock.millis());
            InFlightMessage existing = inFlight.register(message);
            if (existing != null) {
                // Redelivered while we still work on it (its lease lapsed): keep one copy, newest handle.
                existing.renewReceipt(received.receiptHandle());
                continue;
            }
            intake.submit(message, received.body());
        }
        protection.workArrived();
    }
}
