package dev.sieve.cli.local;

import dev.sieve.gate.reaper.Reaper;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Local mode's stand-in for the stack's scheduled reaper Lambda: runs {@link Reaper#run} on a timer in
 * one daemon thread it owns. A failed run (an emulator down) is reported and the next one tries again.
 */
final class LocalReaper implements AutoCloseable {
    /** How often local mode reaps (the stack's rule runs every five minutes; local runs are short). */
    static final Duration INTERVAL = Duration.ofSeconds(30);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sieve-reaper");
        thread.setDaemon(true);
        return thread;
    });

    LocalReaper(Reaper reaper, Duration interval) {
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        reaper.run();
                    } catch (RuntimeException e) {
                        System.err.println(
                                "sieve local: reaper run failed, retrying in " + interval + ": " + e.getMessage());
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
