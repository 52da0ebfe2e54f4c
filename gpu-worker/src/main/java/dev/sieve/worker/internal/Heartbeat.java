package dev.sieve.worker.internal;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one scheduler thread (as Temporal's {@code HeartbeatManager} owns its own): runs the
 * beats (lease renewal, task protection, throughput) at a fixed period, each isolated from the
 * others' failures, and runs small tasks that must not block the caller.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Threads.named("sieve-heartbeat"));

    /** Runs {@code beats} in order every {@code periodMillis}, first after one period. */
    public void start(long periodMillis, List<Runnable> beats) {
        scheduler.scheduleAtFixedRate(
                () -> beats.forEach(Heartbeat::runQuietly), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs a task on the heart-beat thread soon. */
    public void execute(Runnable task) {
        scheduler.execute(() -> runQuietly(task));
    }

    /** Runs a task on the heart-beat thread after {@code delayMillis}. */
    public void schedule(Runnable task, long delayMillis) {
        scheduler.schedule(() -> runQuietly(task), delayMillis, TimeUnit.MILLISECONDS);
    }

    private static void runQuietly(Runnable beat) {
        try {
            beat.run();
        } catch (RuntimeException e) {
            LOG.warn("heart-beat failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
