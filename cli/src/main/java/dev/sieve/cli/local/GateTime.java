package dev.sieve.cli.local;

import java.util.concurrent.atomic.LongAdder;

/**
 * Invocations of the gate's handlers in local mode and the wall time they took: what Lambda would bill
 * for the same work (a real-time request that waits for the expert is billed while it waits, as in AWS).
 */
public final class GateTime {
    private final LongAdder invocations = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    /** One handler invocation that took {@code elapsedNanos}. */
    void add(long elapsedNanos) {
        invocations.increment();
        nanos.add(elapsedNanos);
    }

    /** Handler invocations so far. */
    public long invocations() {
        return invocations.sum();
    }

    /** Milliseconds of handler time so far. */
    public double millis() {
        return nanos.sum() / 1e6;
    }
}
