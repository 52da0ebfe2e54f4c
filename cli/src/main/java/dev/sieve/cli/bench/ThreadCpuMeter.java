package dev.sieve.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
 * <p>The JVM's own threads are not Java threads; on Linux the meter reads them from {@code
 * /proc/self/task} by name (10 ms ticks): the JIT compilers ({@link #JIT}) and the garbage collector with
 * the VM thread that runs its pauses ({@link #GC}). What neither accounts for — ONNX Runtime's own
 * intra-op threads, mostly — is only in the process total: {@link Usage#untrackedSeconds()}. The
 * sampler's own CPU is charged to {@link #SAMPLER}.
 */
final class ThreadCpuMeter {
    /** The class of the meter's own sampler thread. */
    static final String SAMPLER = "meter";
    /** The JIT compiler threads' class. */
    static final String JIT = "jit";
    /** The garbage collector's threads (and the VM thread, which runs its pauses). */
    static final String GC = "gc";

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Function<Thread, String> classifier;
    private final LongSupplier processCpuNanos;
    private final long processStart;
    private final Map<Long, long[]> startAndLast = new HashMap<>(); // id -> {start, last}
    private final Map<Long, String> classes = new HashMap<>();
    private final Map<String, long[]> vmStartAndLast = new HashMap<>(); // task id -> {start, last} ticks
    private final Map<String, String> vmClasses = new HashMap<>();
    private final Set<String> notVm = new HashSet<>();
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
        Map<String, Long> vmByClass = new TreeMap<>();
        synchronized (this) {
            vmStartAndLast.forEach((task, ticks) ->
                    vmByClass.merge(vmClasses.get(task), (ticks[1] - ticks[0]) * NANOS_PER_TICK, Long::sum));
        }
        return new Usage((processEnd - processStart) / 1e9, seconds(byClass), seconds(vmByClass));
    }

    private static Map<String, Double> seconds(Map<String, Long> nanos) {
        Map<String, Double> seconds = new TreeMap<>();
        nanos.forEach((name, n) -> seconds.put(name, n / 1e9));
        return Collections.unmodifiableMap(seconds);
    }

    private synchronized void snapshot(boolean first) {
        snapshotJavaThreads(first);
        snapshotJvmThreads(first);
    }

    /** The JIT's and GC's threads, by their names in {@code /proc/self/task/<tid>/stat} (Linux only). */
    private void snapshotJvmThreads(boolean first) {
        if (!Files.isDirectory(TASKS)) {
            return;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String id = task.getFileName().toString();
                if (notVm.contains(id)) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // ended since it was listed
                }
                int close = stat.lastIndexOf(')');
                String name = stat.substring(stat.indexOf('(') + 1, close);
                String vmClass = vmClass(name);
                if (vmClass == null) {
                    notVm.add(id);
                    continue;
                }
                // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
                // stime
                String[] fields = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                long[] entry = vmStartAndLast.get(id);
                if (entry == null) {
                    vmStartAndLast.put(id, new long[] {first ? ticks : 0, ticks});
                    vmClasses.put(id, vmClass);
                } else {
                    entry[1] = Math.max(entry[1], ticks);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not this kind of /proc: the JVM's threads stay in the untracked rest
        }
    }

    /** {@link #JIT}, {@link #GC} or null, from a thread's OS name (HotSpot's, cut to 15 characters). */
    static String vmClass(String osThreadName) {
        if (osThreadName.startsWith("C1 CompilerThre") || osThreadName.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        if (osThreadName.startsWith("GC Thread")
                || osThreadName.startsWith("G1 ")
                || osThreadName.equals("VM Thread")) {
            return GC;
        }
        return null;
    }

    private void snapshotJavaThreads(boolean first) {
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
     * @param jvmThreads the JVM's own threads' CPU seconds: {@link #JIT}, {@link #GC} (empty off Linux)
     */
    record Usage(double processSeconds, Map<String, Double> byClass, Map<String, Double> jvmThreads) {
        /** CPU seconds of one class (0 when no thread of it ran). */
        double seconds(String threadClass) {
            return byClass.getOrDefault(threadClass, 0.0);
        }

        /** Every Java thread's CPU seconds. */
        double javaThreadSeconds() {
            return byClass.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** CPU seconds of the JVM's own {@link #JIT} or {@link #GC} threads. */
        double jvmSeconds(String jvmClass) {
            return jvmThreads.getOrDefault(jvmClass, 0.0);
        }

        /** CPU seconds neither a Java thread nor the JIT or GC accounts for: native threads (ONNX Runtime's pool). */
        double untrackedSeconds() {
            return processSeconds
                    - javaThreadSeconds()
                    - jvmThreads.values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum();
        }
    }
}
