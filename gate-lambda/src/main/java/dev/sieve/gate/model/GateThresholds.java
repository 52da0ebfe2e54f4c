package dev.sieve.gate.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

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
    /** Calibration fact: the share of validation items the thresholds escalate (the calibrated routing rate). */
    public static final String CALIBRATED_ROUTING_RATE = "validation_expert_fraction";
    /**
     * Calibration fact: label → the share of the validation items the gate predicts as that label that
     * the thresholds escalate.
     */
    public static final String CALIBRATED_ROUTING_RATE_PER_CLASS = "validation_expert_fraction_per_class";

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

    /** The routing rate the thresholds were calibrated to on validation, when recorded. */
    public OptionalDouble calibratedRoutingRate() {
        return rate(calibration.get(CALIBRATED_ROUTING_RATE));
    }

    /** The calibrated routing rate among items predicted as {@code label}, when recorded. */
    public OptionalDouble calibratedRoutingRate(String label) {
        return calibration.get(CALIBRATED_ROUTING_RATE_PER_CLASS) instanceof Map<?, ?> perClass
                ? rate(perClass.get(label))
                : OptionalDouble.empty();
    }

    private static OptionalDouble rate(Object value) {
        return value instanceof Number number && number.doubleValue() >= 0 && number.doubleValue() <= 1
                ? OptionalDouble.of(number.doubleValue())
                : OptionalDouble.empty();
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
