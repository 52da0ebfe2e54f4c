package dev.sieve.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The CPU time of one pass of {@code sieve bench worker}, by who spent it.
 *
 * @param processSeconds this process, every thread (ONNX Runtime's native pool, GC and JIT too)
 * @param emulatorSeconds the SQS/DynamoDB/S3 emulators: their threads in this JVM, or the child process
 * @param workerJvmSeconds the worker's Java threads ({@code sieve-*}: poller, tokenizers, inference
 *     thread, which also runs its share of ONNX Runtime's work, writers, acknowledger, heart-beat)
 * @param benchSeconds the bench's own thread: the session's caller in the bare pass; in the worker pass
 *     it only reads the requests back from DynamoDB until they are complete
 * @param otherJvmSeconds the remaining Java threads (SDK timers, JDK housekeeping) and the meter
 * @param jitSeconds the JIT compilers (compiling the emulators' code too, when they are in this JVM)
 * @param gcSeconds the garbage collector (collecting the emulators' garbage too, when they are in this JVM)
 * @param untrackedSeconds what no thread above did: ONNX Runtime's intra-op pool
 * @param netSeconds what the pass's own work cost: the process minus the emulators in it, minus the
 *     bench thread when it only waited for results, minus the meter, minus the JIT (a start-up cost a
 *     long-running worker does not pay per item, and here mostly the emulators' and the SDK's code)
 * @param workerThreads the worker's Java threads' CPU seconds by role ({@code sieve-writer-3} is {@code writer})
 */
record PassCpu(
        double processSeconds,
        double emulatorSeconds,
        double workerJvmSeconds,
        double benchSeconds,
        double otherJvmSeconds,
        double jitSeconds,
        double gcSeconds,
        double untrackedSeconds,
        double netSeconds,
        Map<String, Double> workerThreads) {
    static final String EMULATOR = "emulator";
    static final String WORKER = "worker";
    static final String BENCH = "bench";
    static final String OTHER = "other_jvm";

    /** The thread classes of {@link ThreadCpuMeter} for a pass run from {@code benchThread}. */
    static Function<Thread, String> classifier(Predicate<Thread> isEmulatorThread, Thread benchThread) {
        return thread -> {
            if (isEmulatorThread.test(thread)) {
                return EMULATOR;
            }
            if (thread == benchThread) {
                return BENCH;
            }
            String name = thread.getName();
            return name.startsWith("sieve-")
                    ? WORKER + "/" + name.substring("sieve-".length()).replaceFirst("-\\d+$", "")
                    : OTHER;
        };
    }

    /**
     * @param childEmulatorSeconds the emulator process's CPU time over the pass (0 when they are in this JVM)
     * @param benchThreadIsHarness true for the worker pass (the bench thread only waits for results)
     */
    static PassCpu of(ThreadCpuMeter.Usage usage, double childEmulatorSeconds, boolean benchThreadIsHarness) {
        double inJvmEmulators = usage.seconds(EMULATOR);
        double meter = usage.seconds(ThreadCpuMeter.SAMPLER);
        double bench = usage.seconds(BENCH);
        double jit = usage.jvmSeconds(ThreadCpuMeter.JIT);
        double net = usage.processSeconds() - inJvmEmulators - meter - jit - (benchThreadIsHarness ? bench : 0);
        Map<String, Double> workerThreads = new TreeMap<>();
        usage.byClass().forEach((threadClass, seconds) -> {
            if (threadClass.startsWith(WORKER + "/")) {
                workerThreads.put(threadClass.substring(WORKER.length() + 1), seconds);
            }
        });
        return new PassCpu(
                usage.processSeconds(),
                inJvmEmulators + childEmulatorSeconds,
                workerThreads.values().stream().mapToDouble(Double::doubleValue).sum(),
                bench,
                usage.seconds(OTHER) + meter,
                jit,
                usage.jvmSeconds(ThreadCpuMeter.GC),
                usage.untrackedSeconds(),
                net,
                Map.copyOf(workerThreads));
    }

    /** The JSON object of the bench's output line. */
    Map<String, Object> toJson(int items) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("process_cpu_seconds", round(processSeconds));
        out.put("emulator_cpu_seconds", round(emulatorSeconds));
        out.put("worker_jvm_cpu_seconds", round(workerJvmSeconds));
        out.put("bench_thread_cpu_seconds", round(benchSeconds));
        out.put("other_jvm_cpu_seconds", round(otherJvmSeconds));
        out.put("jit_cpu_seconds", round(jitSeconds));
        out.put("gc_cpu_seconds", round(gcSeconds));
        out.put("native_cpu_seconds", round(untrackedSeconds));
        out.put("net_cpu_seconds", round(netSeconds));
        out.put("net_cpu_ms_per_item", round(netSeconds * 1000 / items));
        if (!workerThreads.isEmpty()) {
            Map<String, Object> roles = new TreeMap<>();
            workerThreads.forEach((role, seconds) -> roles.put(role, round(seconds)));
            out.put("worker_threads_cpu_seconds", roles);
        }
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
