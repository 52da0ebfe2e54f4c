package dev.sieve.models.expert.experiment;

import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.expert.OnnxExpert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU speed of the bundle's fp32 and int8 experts on real texts, batches of 8, 2 threads:
 * {@code ExpertBenchmark <bundleDir> <split.jsonl> [items]}. Prints one JSON line.
 */
public final class ExpertBenchmark {
    public static void main(String[] args) throws Exception {
        ModelBundle bundle = ModelBundle.open(Path.of(args[0]));
        List<LabeledText> items = Splits.read(Path.of(args[1]));
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 160;
        items = items.subList(0, Math.min(n, items.size()));
        // alternate the two precisions and keep each one's best round: the machine is shared
        double fp32 = Double.MAX_VALUE;
        double int8 = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            fp32 = Math.min(fp32, millisPerItem(bundle, items, false));
            int8 = Math.min(int8, millisPerItem(bundle, items, true));
        }
        System.out.printf(
                Locale.ROOT,
                "{\"benchmark\":\"expert_cpu\",\"items\":%d,\"rounds\":3,\"batch\":8,\"threads\":2,\"max_tokens\":256,"
                        + "\"fp32_ms_per_item\":%.1f,\"int8_ms_per_item\":%.1f,\"int8_speedup_vs_fp32\":%.2f}%n",
                items.size(),
                fp32,
                int8,
                fp32 / int8);
    }

    private static double millisPerItem(ModelBundle bundle, List<LabeledText> items, boolean int8) throws Exception {
        try (OnnxExpert expert =
                OnnxExpert.open(bundle, OnnxExpert.Options.cpu(2).withInt8(int8))) {
            List<ExpertInput> inputs = new ArrayList<>();
            for (LabeledText item : items) {
                inputs.add(expert.prepare(item.text(), null));
            }
            // the worker's batcher groups items of similar length; do the same
            inputs.sort(java.util.Comparator.comparingInt(ExpertInput::tokens));
            run(expert, inputs.subList(0, Math.min(16, inputs.size()))); // warm-up
            long start = System.nanoTime();
            run(expert, inputs);
            return (System.nanoTime() - start) / 1e6 / inputs.size();
        }
    }

    private static void run(OnnxExpert expert, List<ExpertInput> inputs) throws Exception {
        for (int from = 0; from < inputs.size(); from += 8) {
            expert.predict(inputs.subList(from, Math.min(inputs.size(), from + 8)));
        }
    }
}
