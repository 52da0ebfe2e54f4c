package dev.sieve.cli.bench;

import dev.sieve.cli.models.BundleOptions;
import dev.sieve.cli.models.ModelCommand;
import dev.sieve.cli.models.ModelTools;
import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.model.GateScorer;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.Dataset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sieve bench gate}: the gate's per-item latency and throughput on one warm thread over the
 * bundle's test texts, and the expert's cost per item on the same texts (one ONNX Runtime
 * intra-op thread, no spinning), as a ratio measured in the same run.
 */
@Command(
        name = "gate",
        mixinStandardHelpOptions = true,
        description = {
            "Times the gate on the bundle's test texts (one thread, after warm-up, for --seconds) and the expert on"
                    + " the first --expert-items of them (one ONNX Runtime thread, batch 1 and batch 8).",
            "expert_to_gate_ratio = expert microseconds per item / gate mean microseconds per item."
        })
public final class GateBenchCommand extends ModelCommand {
    @Mixin
    BundleOptions bundleOptions;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            description = "Timed gate scoring time (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--expert-items",
            defaultValue = "64",
            description = "Test texts the expert is timed on (default: ${DEFAULT-VALUE}; 0 skips the expert).")
    int expertItems;

    @Override
    protected int execute() throws Exception {
        if (!(seconds > 0) || expertItems < 0) {
            throw new IllegalArgumentException("--seconds must be > 0 and --expert-items >= 0");
        }
        ModelBundle bundle = openBundle(bundleOptions);
        GateScorer gate = GateModels.load(bundle);
        Dataset dataset = ModelTools.bundleSplit(bundle, bundleOptions.data(), cacheDir());
        List<String> texts = dataset.test().stream().map(e -> e.text()).toList();
        progress("bench: gate on " + texts.size() + " test texts, one thread, " + seconds + " s ...");
        GateTimes gateTimes = timeGate(gate, texts, seconds);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle_version", bundle.version());
        result.put("items", texts.size());
        result.put("gate_p50_us", gateTimes.p50Micros());
        result.put("gate_p99_us", gateTimes.p99Micros());
        result.put("gate_mean_us", gateTimes.meanMicros());
        result.put("gate_items_per_s", gateTimes.itemsPerSecond());
        result.put("gate_scored_items", gateTimes.scored());
        result.put("gate_cpu_us_per_item", gateTimes.cpuMicrosPerItem());
        ModelTools.ExpertTiming expert = expertItems == 0
                ? null
                : ModelTools.timeExpert(
                        bundle, texts.subList(0, Math.min(expertItems, texts.size())), gate, this::progress);
        result.put("expert_items", expert == null ? null : expert.items());
        result.put("expert_us_per_item", expert == null ? null : expert.batch1MicrosPerItem());
        result.put("expert_batch8_us_per_item", expert == null ? null : expert.batch8MicrosPerItem());
        result.put("expert_cpu_us_per_item", expert == null ? null : expert.batch1CpuMicrosPerItem());
        // CPU time on both sides: what each tier costs, without the time other processes took from it (on a
        // loaded machine a preempted gate sample counts milliseconds and the wall-clock mean swings 3x run to run)
        result.put(
                "expert_to_gate_ratio",
                expert == null ? null : round(expert.batch1CpuMicrosPerItem() / gateTimes.cpuMicrosPerItem()));
        result.put(
                "expert_to_gate_wall_ratio",
                expert == null ? null : round(expert.batch1MicrosPerItem() / gateTimes.meanMicros()));
        result.put(
                "load_average",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("expert_note", expert == null ? "the bundle has no expert (or --expert-items 0)" : null);
        if (json) {
            printJsonLine(result);
        } else {
            result.forEach((key, value) -> out().printf("%-26s %s%n", key, value));
        }
        out().flush();
        return 0;
    }

    record GateTimes(
            double p50Micros,
            double p99Micros,
            double meanMicros,
            double itemsPerSecond,
            long scored,
            double cpuMicrosPerItem) {}

    static GateTimes timeGate(GateScorer gate, List<String> texts, double seconds) {
        float[] probabilities = new float[gate.labels().size()];
        long warmUpEnd = System.nanoTime() + (long) (Math.min(2.0, seconds / 2) * 1e9);
        float sink = 0;
        while (System.nanoTime() < warmUpEnd) {
            for (String text : texts) {
                gate.score(text, probabilities);
                sink += probabilities[0];
            }
        }
        long budget = (long) (seconds * 1e9);
        long[] samples = new long[texts.size() * 64];
        int count = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        long busy = 0;
        while (System.nanoTime() - started < budget) {
            if (count + texts.size() > samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            for (String text : texts) {
                long t0 = System.nanoTime();
                gate.score(text, probabilities);
                long elapsed = System.nanoTime() - t0;
                samples[count++] = elapsed;
                busy += elapsed;
                sink += probabilities[0];
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuStarted;
        if (sink == Float.MIN_VALUE) {
            System.err.print("");
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        double mean = busy / 1e3 / count;
        return new GateTimes(
                round(sorted[count / 2] / 1e3),
                round(sorted[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)] / 1e3),
                round(mean),
                Math.round(count / (busy / 1e9)),
                count,
                round(cpu / 1e3 / count));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
