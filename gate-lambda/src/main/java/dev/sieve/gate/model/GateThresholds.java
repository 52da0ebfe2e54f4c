package dev.sieve.gate.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-class confidence thresholds, calibrated on the validation split ({@code thresholds.json} in
 * the bundle). An item is answered by the gate when the probability of its top class reaches that
 * class's threshold; otherwise it is escalated to the expert.
 *
 * @param labels class labels, same order as the gate's probabilities
 * @param thresholds label → minimum top-class probability for the gate to answer
 * @param calibration how the thresholds were chosen (target, achieved routing rate, split), for people
 */
public record GateThresholds(List<String> labels, Map<String, Double> thresholds, Map<String, Object> calibration) {

    public GateThresholds {
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        thresholds = Map.copyOf(Objects.requireNonNull(thresholds, "thresholds"));
        calibration = calibration == null ? Map.of() : Map.copyOf(calibration);
        for (String label : labels) {
            Double t = thresholds.get(label);
            if (t == null || t < 0 || t > 1) {
                throw new IllegalArgumentException("threshold for label '" + label + "' must be in [0, 1], was " + t);
            }
        }
    }

    /** Index of the highest probability. */
    public static int argmax(float[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    /** True when the gate may answer an item with these probabilities. */
    public boolean isConfident(float[] probabilities) {
        int top = argmax(probabilities);
        return probabilities[top] >= thresholds.get(labels.get(top));
    }
}
