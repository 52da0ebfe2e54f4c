package dev.sieve.models.calibration;

import dev.sieve.gate.model.GateThresholds;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses the gate's confidence thresholds on the validation split.
 *
 * <p>Items are ranked by the gate's top-class probability; escalating the {@code k} least confident
 * ones corresponds to the cut {@code t} = the {@code (k+1)}-th smallest top probability, and every
 * class gets that threshold (an item is escalated when its top probability is below {@code t}; ties
 * at the cut stay with the gate, so at most {@code k} items are escalated).
 *
 * <ul>
 *   <li>{@link #forExpertRate}: the largest {@code k} with {@code k <= rate × n}.
 *   <li>{@link #forTarget}: the smallest {@code k} whose blended F1 (or precision) reaches the
 *       target, the expert answering the escalated items (the gate itself when there is no expert
 *       yet); when no {@code k} reaches it, the {@code k} with the best blended value.
 * </ul>
 */
public final class Calibrator {
    private Calibrator() {}

    /** What {@link #forTarget} aims at. */
    public enum Target {
        F1,
        PRECISION
    }

    /**
     * The validation split as the calibrator sees it.
     *
     * @param labels class labels, in probability order
     * @param truth true label index per item
     * @param gateProbabilities the gate's probabilities per item
     * @param expertPredictions the expert's predicted label index per item, or null without an expert
     * @param headline which F1 / precision the target refers to
     */
    public record Validation(
            List<String> labels, int[] truth, float[][] gateProbabilities, int[] expertPredictions, Headline headline) {
        public Validation {
            labels = List.copyOf(labels);
            Objects.requireNonNull(truth, "truth");
            Objects.requireNonNull(gateProbabilities, "gateProbabilities");
            Objects.requireNonNull(headline, "headline");
            if (truth.length == 0 || truth.length != gateProbabilities.length) {
                throw new IllegalArgumentException(
                        "calibration needs a non-empty validation split with one" + " probability vector per item");
            }
            if (expertPredictions != null && expertPredictions.length != truth.length) {
                throw new IllegalArgumentException("expert predictions must cover every validation item");
            }
        }

        int size() {
            return truth.length;
        }
    }

    /** Thresholds that escalate at most {@code rate} of the validation items. */
    public static GateThresholds forExpertRate(Validation validation, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("expert rate must be in [0, 1], was " + rate);
        }
        float[] sorted = sortedTopProbabilities(validation);
        int k = (int) Math.floor(rate * validation.size() + 1e-9);
        double cut = cutFor(sorted, k);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", "expert_rate");
        facts.put("target", rate);
        return thresholds(validation, cut, facts);
    }

    /** Thresholds with the least escalation whose blended validation F1 / precision reaches {@code target}. */
    public static GateThresholds forTarget(Validation validation, Target metric, double target) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException(
                    "target " + metric.name().toLowerCase(java.util.Locale.ROOT) + " must be in (0, 1], was " + target);
        }
        float[] sorted = sortedTopProbabilities(validation);
        int bestK = 0;
        double bestValue = -1;
        int reachedK = -1;
        // Candidate cuts: each distinct top probability (escalating everything below it).
        for (int k = 0; k < sorted.length; k++) {
            if (k > 0 && sorted[k] == sorted[k - 1]) {
                continue;
            }
            double value = blendedValue(validation, metric, sorted[k]);
            if (value > bestValue + 1e-12) {
                bestValue = value;
                bestK = k;
            }
            if (value >= target) {
                reachedK = k;
                break;
            }
        }
        int k = reachedK >= 0 ? reachedK : bestK;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", metric == Target.F1 ? "target_f1" : "target_precision");
        facts.put("target", target);
        facts.put("target_reached", reachedK >= 0);
        return thresholds(validation, cutFor(sorted, k), facts);
    }

    private static GateThresholds thresholds(Validation validation, double cut, Map<String, Object> facts) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String label : validation.labels()) {
            thresholds.put(label, cut);
        }
        GateThresholds result = new GateThresholds(validation.labels(), thresholds, Map.of());
        Cascade.Outcome outcome = Cascade.run(result, validation.gateProbabilities(), validation.expertPredictions());
        ClassificationReport blended =
                ClassificationReport.of(validation.labels(), validation.truth(), outcome.predictions());
        facts.put("validation_items", validation.size());
        facts.put("validation_expert_fraction", outcome.expertFraction());
        facts.put("validation_f1_blended", validation.headline().f1(blended));
        facts.put("validation_precision_blended", validation.headline().precision(blended));
        facts.put("f1_kind", validation.headline().kind());
        facts.put("escalated_answered_by", validation.expertPredictions() == null ? "gate (no expert)" : "expert");
        return new GateThresholds(validation.labels(), thresholds, facts);
    }

    private static double blendedValue(Validation validation, Target metric, double cut) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        validation.labels().forEach(label -> thresholds.put(label, cut));
        Cascade.Outcome outcome = Cascade.run(
                new GateThresholds(validation.labels(), thresholds, Map.of()),
                validation.gateProbabilities(),
                validation.expertPredictions());
        ClassificationReport report =
                ClassificationReport.of(validation.labels(), validation.truth(), outcome.predictions());
        return metric == Target.F1
                ? validation.headline().f1(report)
                : validation.headline().precision(report);
    }

    private static float[] sortedTopProbabilities(Validation validation) {
        float[] top = new float[validation.size()];
        for (int i = 0; i < top.length; i++) {
            float[] p = validation.gateProbabilities()[i];
            top[i] = p[GateThresholds.argmax(p)];
        }
        Arrays.sort(top);
        return top;
    }

    /** The threshold that escalates the {@code k} lowest of {@code sorted} (fewer when tied). */
    private static double cutFor(float[] sorted, int k) {
        if (k <= 0) {
            return 0.0;
        }
        if (k >= sorted.length) {
            return 1.0;
        }
        return sorted[k];
    }
}
