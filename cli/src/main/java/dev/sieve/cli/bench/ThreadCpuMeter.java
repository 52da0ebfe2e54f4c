package dev.sieve.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * CPU time of this process over one interval, split by class of Java thread: {@link #start} takes a
 * snapshot of every live platform thread's CPU time ({@link ThreadMXBean}) and of the process's total,
 * a sampler thread takes one every {@code period} (so a thread that ends before {@link #stop} keeps the
 * CPU it had at its last sample; threads are never reused under one id), and {@link #stop} takes the last.
 * A thread's share is its CPU time at its last sample minus its CPU time at the start (0 for a thread
 * born during the interval); it is charged to the class {@code classifier} gives it when first seen.
 *
 * <p>What no Java thread did — ONNX Runtime's own intra-op threads, the garbage collector, the JIT
 * compilers — is only in the process total: {@link Usage#untrackedSeconds()}. The sampler's own CPU is
 * charged to {@link #SAMPLER}.
 */
final class ThreadCpuMeter {
    /** The class of the meter's own sampler thread. */
    static final String SAMPLER = "meter";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Function<Thread, String> classifier;
    private final LongSupplier processCpuNanos;
    private final long processStart;
    private final Map<Long, long[]> startAndLast = new HashMap<>(); // id -> {start, last}
    private final Map<Long, String> classes = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread sampler;

    private ThreadCpuMeter(Function<Thread, String> classifier, LongSupplier processCpuNanos, Duration period) {
        this.classifier = classifier;
        this.processCpuNanos = processCpuNanos;
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        this.sampler = Thread.ofPlatform().name("cpu-meter").daemon(true).unstarted(() -> {
            try {
                while (!stopped.await(period.toMillis(), TimeUnit.MILLISECONDS)) {
                    sample();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        this.processStart = processCpuNanos.getAsLong();
        snapshot(true);
        sampler.start();
    }

    /**
     * Starts measuring; {@code classifier} names each thread's class (called once per thread, from the
     * sampler or the caller of {@link #sample()}/{@link #stop()}).
     *
     * @throws UnsupportedOperationException if this JVM cannot measure thread CPU time
     */
    static ThreadCpuMeter start(Function<Thread, String> classifier, Duration period) {
        return start(classifier, period, ThreadCpuMeter::processCpuNanos);
    }

    static ThreadCpuMeter start(Function<Thread, String> classifier, Duration period, LongSupplier processCpuNanos) {
        if (!ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException("this JVM cannot measure the CPU time of threads");
        }
        return new ThreadCpuMeter(classifier, processCpuNanos, period);
    }

    /** The whole process's CPU time (user + system, every thread, native ones too), nanoseconds. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        throw new UnsupportedOperationException("this JVM does not report its process CPU time");
    }

    /** Takes a sample now (the sampler does every period). */
    void sample() {
        snapshot(false);
    }

    /** Takes the last sample, stops the sampler and returns the interval's usage. */
    Usage stop() {
        long processEnd = processCpuNanos.getAsLong();
        snapshot(false);
        stopped.countDown();
        try {
            sampler.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Long> byClass = new TreeMap<>();
        synchronized (this) {
            startAndLast.forEach((id, cpu) -> byClass.merge(classes.get(id), cpu[1] - cpu[0], Long::sum));
        }
        Map<String, Double> seconds = new TreeMap<>();
        byClass.forEach((name, nanos) -> seconds.put(name, nanos / 1e9));
        return new Usage((processEnd - processStart) / 1e9, Collections.unmodifiableMap(seconds));
    }

    private synchronized void snapshot(boolean first) {
        for (Thread thread : liveThreads()) {
            long id = thread.threadId();
            long cpu = threads.getThreadCpuTime(id);
            if (cpu < 0) {
                continue; // ended since it was listed
            }
            long[] entry = startAndLast.get(id);
            if (entry == null) {
                startAndLast.put(id, new long[] {first ? cpu : 0, cpu});
                classes.put(id, thread == sampler ? SAMPLER : classifier.apply(thread));
            } else {
                entry[1] = Math.max(entry[1], cpu);
            }
        }
    }

    private static Thread[] liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 64];
        int n = root.enumerate(all, true);
        return java.util.Arrays.copyOf(all, n);
    }

    /**
     * CPU seconds of one interval.
     *
     * @param processSeconds the whole process (every thread, native ones too)
     * @param byClass the Java threads' CPU seconds by class
     */
    record Usage(double processSeconds, Map<String, Double> byClass) {
        /** CPU seconds of one class (0 when no thread of it ran). */
        double seconds(String threadClass) {
            return byClass.getOrDefault(threadClass, 0.0);
        }

        /** Every Java thread's CPU seconds. */
        double javaThreadSeconds() {
            return byClass.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** CPU seconds no Java thread accounts for: native threads (ONNX Runtime's pool), GC, JIT. */
        double untrackedSeconds() {
            return processSeconds - javaThreadSeconds();
        }
    }
}
