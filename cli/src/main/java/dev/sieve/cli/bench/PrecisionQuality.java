package dev.sieve.cli.bench;

import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.ExpertException;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.expert.ExpertPrecision;
import dev.sieve.worker.expert.OnnxExpert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a precision costs in quality, for {@code sieve bench worker --precision}: F1 of the positive
 * class against fp32 on the same labelled items and gate inputs, and batch-mate dependence (how much
 * an item's probability moves between a batch of one and a batch of {@value #BATCH} with other items;
 * dynamic int8 quantization picks its activation scale per batch, so int8 moves, fp32 should not).
 */
final class PrecisionQuality {
    static final int BATCH = 8;
    private static final int BATCHMATE_ITEMS = 48;

    private PrecisionQuality() {}

    /** Keys and values for the bench's JSON line. */
    static Map<String, Object> measure(
            ModelBundle bundle,
            OnnxExpert.Options options,
            List<LabeledText> items,
            List<float[]> gate,
            String positiveLabel,
            String itemsSource)
            throws ExpertException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("quality_items", items.size());
        out.put("quality_items_source", itemsSource);
        Scores chosen = scores(bundle, options, items, gate, positiveLabel);
        out.put("test_f1", round(chosen.f1()));
        out.put("batchmate_max_abs_diff", round(chosen.batchmateMax()));
        out.put("batchmate_mean_abs_diff", round(chosen.batchmateMean()));
        out.put("batchmate_label_flips", chosen.batchmateFlips());
        if (options.precision() != ExpertPrecision.FP32) {
            Scores fp32 = scores(bundle, options.withPrecision(ExpertPrecision.FP32), items, gate, positiveLabel);
            out.put("test_f1_fp32", round(fp32.f1()));
            out.put("test_f1_delta_vs_fp32", round(chosen.f1() - fp32.f1()));
            out.put("label_agreement_vs_fp32", round(agreement(chosen.labels(), fp32.labels())));
            out.put("batchmate_max_abs_diff_fp32", round(fp32.batchmateMax()));
        }
        return out;
    }

    private record Scores(double f1, int[] labels, double batchmateMax, double batchmateMean, int batchmateFlips) {}

    private static Scores scores(
            ModelBundle bundle,
            OnnxExpert.Options options,
            List<LabeledText> items,
            List<float[]> gate,
            String positiveLabel)
            throws ExpertException {
        try (OnnxExpert expert = OnnxExpert.open(bundle, options)) {
            int positive = expert.labels().indexOf(positiveLabel);
            if (positive < 0) {
                throw new IllegalArgumentException(
                        "positive label '" + positiveLabel + "' is not one of " + expert.labels());
            }
            List<ExpertInput> inputs = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                inputs.add(expert.prepare(items.get(i).text(), gate.get(i)));
            }
            float[][] batched = new float[inputs.size()][];
            for (int from = 0; from < inputs.size(); from += BATCH) {
                float[][] out = expert.predict(inputs.subList(from, Math.min(inputs.size(), from + BATCH)));
                System.arraycopy(out, 0, batched, from, out.length);
            }
            int[] labels = new int[inputs.size()];
            int tp = 0, fp = 0, fn = 0;
            for (int i = 0; i < inputs.size(); i++) {
                labels[i] = argmax(batched[i]);
                boolean predicted = labels[i] == positive;
                boolean actual = items.get(i).label().equals(positiveLabel);
                tp += predicted && actual ? 1 : 0;
                fp += predicted && !actual ? 1 : 0;
                fn += !predicted && actual ? 1 : 0;
            }
            double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            double max = 0, sum = 0;
            int flips = 0, n = Math.min(BATCHMATE_ITEMS, inputs.size());
            for (int i = 0; i < n; i++) {
                float[] alone = expert.predict(List.of(inputs.get(i)))[0];
                double diff = Math.abs(alone[positive] - batched[i][positive]);
                max = Math.max(max, diff);
                sum += diff;
                flips += argmax(alone) != labels[i] ? 1 : 0;
            }
            return new Scores(f1, labels, max, n == 0 ? 0 : sum / n, flips);
        }
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return a.length == 0 ? 1 : (double) same / a.length;
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
