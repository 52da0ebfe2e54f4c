package dev.sieve.cli.models;

import dev.sieve.gate.model.GateScorer;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.Dataset;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What other command packages (bench) need from the model commands. */
public final class ModelTools {
    private ModelTools() {}

    /** The bundle's split, re-created from the data it was trained on. */
    public static Dataset bundleSplit(ModelBundle bundle, Path dataOverride, Path cacheDir) {
        TrainingData data = TrainingData.forBundle(bundle.manifest().metadata(), dataOverride, cacheDir);
        return data.splitLike(bundle.manifest().metadata());
    }

    /**
     * Expert cost per item in microseconds (tokenization + inference, one thread).
     *
     * @param items texts timed
     */
    /**
     * Wall-clock microseconds per item at batch 1 and batch 8, and the calling thread's CPU microseconds per
     * item at batch 1 (with one ONNX Runtime thread the whole model runs on the calling thread, so CPU time is
     * the expert's cost without the time other processes took from it).
     */
    public record ExpertTiming(
            int items, double batch1MicrosPerItem, double batch8MicrosPerItem, double batch1CpuMicrosPerItem) {}

    /** Times the bundle's expert on {@code texts}, or returns null when the bundle has none. */
    public static ExpertTiming timeExpert(
            ModelBundle bundle, List<String> texts, GateScorer gate, Consumer<String> progress) throws Exception {
        Optional<ExpertStage.Runner> opened = ExpertStage.create().open(bundle, false, 1);
        if (opened.isEmpty()) {
            return null;
        }
        float[][] gateProbabilities = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            gateProbabilities[i] = gate.score(texts.get(i));
        }
        try (ExpertStage.Runner runner = opened.get()) {
            progress.accept("bench: expert on " + texts.size() + " texts, one thread (warm-up, batch 1, batch 8) ...");
            runner.predict(texts.subList(0, Math.min(4, texts.size())), gateProbabilities, 1);
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            runner.predict(texts, gateProbabilities, 1);
            long t1 = System.nanoTime();
            long cpu1 = threads.getCurrentThreadCpuTime();
            runner.predict(texts, gateProbabilities, 8);
            long t2 = System.nanoTime();
            return new ExpertTiming(
                    texts.size(),
                    Math.round((t1 - t0) / 1e3 / texts.size() * 10) / 10.0,
                    Math.round((t2 - t1) / 1e3 / texts.size() * 10) / 10.0,
                    Math.round((cpu1 - cpu0) / 1e3 / texts.size() * 10) / 10.0);
        }
    }
}
