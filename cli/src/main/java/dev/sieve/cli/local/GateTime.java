package dev.sieve.cli.local;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Invocations of the gate's handlers in local mode and the time they took: the wall time, what Lambda would
 * bill for the same work (a real-time request that waits for the expert is billed while it waits, as in AWS),
 * and the handler thread's CPU time, which on a shared machine leaves out the time other processes took.
 */
public final class GateTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final LongAdder invocations = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();

    /** Where a handler call started on the current thread (wall clock and the thread's CPU clock). */
    record Mark(long wallNanos, long cpuNanos) {}

    /** Marks the start of a handler call on this thread. */
    static Mark start() {
        return new Mark(System.nanoTime(), threadCpuNanos());
    }

    /** One handler invocation that started at {@code mark}, on this thread, and ends now. */
    void add(Mark mark) {
        invocations.increment();
        nanos.add(System.nanoTime() - mark.wallNanos());
        cpuNanos.add(Math.max(0, threadCpuNanos() - mark.cpuNanos()));
    }

    /** Handler invocations so far. */
    public long invocations() {
        return invocations.sum();
    }

    /** Milliseconds of handler wall time so far. */
    public double millis() {
        return nanos.sum() / 1e6;
    }

    /** Milliseconds of the handler threads' CPU time so far. */
    public double cpuMillis() {
        return cpuNanos.sum() / 1e6;
    }

    private static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
