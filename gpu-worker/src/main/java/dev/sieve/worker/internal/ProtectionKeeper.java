package dev.sieve.worker.internal;

import dev.sieve.worker.TaskProtection;
import java.time.Clock;
import java.time.Duration;

/**
 * Keeps ECS task protection on while the worker holds work, so scale-in does not stop a busy task:
 * enabled for 15 minutes and renewed every 5 while anything is in flight, disabled when idle. Runs on
 * the heart-beat thread only.
 */
public final class ProtectionKeeper {
    private static final int PROTECTION_MINUTES = 15;
    private static final Duration PROTECTION_RENEW = Duration.ofMinutes(5);

    private final TaskProtection protection;
    private final InFlight inFlight;
    private final Heartbeat heartbeat;
    private final Clock clock;
    private volatile boolean protectedNow;
    private volatile long protectedAtMillis;

    public ProtectionKeeper(TaskProtection protection, InFlight inFlight, Heartbeat heartbeat, Clock clock) {
        this.protection = protection;
        this.inFlight = inFlight;
        this.heartbeat = heartbeat;
        this.clock = clock;
    }

    /** Work arrived: protect now (on the heart-beat thread) rather than at the next beat. */
    public void workArrived() {
        if (!protectedNow) {
            heartbeat.execute(this::update);
        }
    }

    /** A beat: protect while busy, renew before expiry, unprotect when idle. */
    public void update() {
        boolean busy = !inFlight.isEmpty();
        long now = clock.millis();
        if (busy && (!protectedNow || now - protectedAtMillis > PROTECTION_RENEW.toMillis())) {
            protection.set(true, PROTECTION_MINUTES);
            protectedNow = true;
            protectedAtMillis = now;
        } else if (!busy && protectedNow) {
            protection.set(false, 0);
            protectedNow = false;
        }
    }

    /** After drain: the task holds nothing, so scale-in may take it. */
    public void clear() {
        if (protectedNow) {
            protection.set(false, 0);
            protectedNow = false;
        }
    }
}
