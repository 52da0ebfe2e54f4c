package dev.sieve.worker.internal;

import dev.sieve.worker.QueueRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transient is not poison: a dependency outage ({@link Faults#isTransient}) while loading a payload
 * or writing results is not the message's fault. The worker keeps the message (the heart-beat keeps
 * its lease) and tries again with back-off (0.5 s doubling to 30 s) for up to {@code SIEVE_OUTAGE_HOLD_S} (15 minutes by default), so an
 * outage of a few minutes spends none of the message's receives, which stay its poison budget.
 *
 * <p>While a message's results cannot be written (a write held from its first hold until a retry gets
 * past the outage or the message is given back), the poller receives nothing more from its queue
 * ({@link #holding}) and the inference loop computes nothing more of that priority ({@link
 * #holdingPriority}); when the write failed on the result table (DynamoDB), which every message's results
 * go through, that holds for every queue at once ({@link Faults#isTableOutage}). Results computed then can be neither written nor cached, so a worker that
 * crashes loses all of them, while items not yet computed are lost by nobody. {@code sieve chaos}
 * measured that: 210 of 225 recomputed items had been computed during a DynamoDB outage by workers that
 * were then killed.
 */
public final class TransientRetry {
    private static final Logger LOG = LoggerFactory.getLogger(TransientRetry.class);

    /** The {@code number}-th attempt; {@code sinceMillis} is when an outage first stopped it (-1: none). */
    public record Attempt(int number, long sinceMillis) {
        public static final Attempt FIRST = new Attempt(1, -1);
    }

    private final Heartbeat heartbeat;
    private final LeaseKeeper leases;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final long windowMillis;
    private final Set<InFlightMessage> held = ConcurrentHashMap.newKeySet();
    /** Messages whose write rides out an outage, each with its latest hold; kept while a retry runs. */
    private final Map<InFlightMessage, Ride> riding = new ConcurrentHashMap<>();

    /** One held write: its attempt, and whether the outage (the table's) stops every queue's writes. */
    private record Ride(int attempt, boolean everyQueue) {}

    private volatile boolean stopped;

    /** @param window the longest outage a held message rides out before it is released (and a receive spent) */
    public TransientRetry(
            Heartbeat heartbeat, LeaseKeeper leases, WorkerMetrics metrics, Clock clock, Duration window) {
        this.windowMillis = window.toMillis();
        this.heartbeat = heartbeat;
        this.leases = leases;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Holds {@code message} after {@code error} and runs {@code retry} with the next attempt on {@code
     * pool} after the back-off. True when held; false (the caller releases as usual) for the message's
     * own fault, once the window has passed, or when stopping.
     */
    public boolean hold(
            InFlightMessage message, RuntimeException error, Attempt attempt, Executor pool, Consumer<Attempt> retry) {
        long now = clock.millis();
        long since = attempt.sinceMillis() < 0 ? now : attempt.sinceMillis();
        if (!Faults.isTransient(error) || now - since >= windowMillis) {
            return false;
        }
        if (stopped) {
            // Draining, and a retry that was under way failed again: give it back at once, as the held are.
            leases.releaseNow(message);
            return true;
        }
        long delay = Math.min(30_000L, 500L << Math.min(6, attempt.number() - 1));
        Attempt next = new Attempt(attempt.number() + 1, since);
        held.add(message);
        Ride ride = new Ride(attempt.number(), Faults.isTableOutage(error));
        if (message.state() == InFlightMessage.State.WRITING) {
            riding.put(message, ride);
        }
        try {
            heartbeat.schedule(
                    () -> {
                        held.remove(message);
                        try {
                            pool.execute(() -> {
                                try {
                                    retry.accept(next);
                                } finally {
                                    // still riding only if this retry failed again (it then holds `next`)
                                    riding.remove(message, ride);
                                }
                            });
                        } catch (RejectedExecutionException e) {
                            riding.remove(message, ride);
                            leases.releaseNow(message);
                        }
                    },
                    delay);
        } catch (RejectedExecutionException e) {
            held.remove(message);
            riding.remove(message, ride);
            return false;
        }
        metrics.transientRetry(message.queue());
        LOG.warn(
                "message {}: dependency outage (attempt {}), held and retried in {} ms: {}",
                message.messageId(),
                attempt.number(),
                delay,
                error.toString());
        return true;
    }

    /** Whether a write of a message of {@code queue} rides out an outage: receive nothing more from it meanwhile. */
    public boolean holding(QueueRef queue) {
        for (Map.Entry<InFlightMessage, Ride> held : riding.entrySet()) {
            if (held.getValue().everyQueue() || held.getKey().queue().equals(queue)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a write of a message of this priority ({@link dev.sieve.shared.queue.Priority#ordinal})
     * rides out an outage: compute nothing more of that priority meanwhile.
     */
    public boolean holdingPriority(int priority) {
        for (Map.Entry<InFlightMessage, Ride> held : riding.entrySet()) {
            if (held.getValue().everyQueue() || held.getKey().queue().priority().ordinal() == priority) {
                return true;
            }
        }
        return false;
    }

    /** Drain: holds nothing more and gives every held message back at once; returns how many. */
    public int stopAndReleaseHeld() {
        stopped = true;
        int released = 0;
        for (InFlightMessage message : List.copyOf(held)) {
            held.remove(message);
            riding.remove(message);
            if (leases.releaseNow(message)) {
                released++;
            }
        }
        return released;
    }
}
