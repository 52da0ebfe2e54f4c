package dev.sieve.models.calibration;

import dev.sieve.gate.model.GateThresholds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses the gate's per-class confidence thresholds on the validation split: it traces the
 * {@link Frontier} (routing rate → blended F1) and picks one of its points.
 *
 * <ul>
 *   <li>{@link #forCorrections} (the default with an expert): the shared confidence cut with the most
 *       net corrections, extended by a class's own cut, undercut only on clear evidence ({@link
 *       CorrectionsPick}).
 *   <li>{@link #forBestBlend} (the default without one): the least routing whose blended F1 is within
 *       {@link #BEST_TOLERANCE} of the best blended F1 on the curve.
 *   <li>{@link #forExpertRate}: the rate is a cap: the best point routing at most that fraction.
 *   <li>{@link #forTarget}: the least routing whose blended F1 (or precision) reaches the target;
 *       when no point reaches it, the best point.
 * </ul>
 *
 * <p>Validation splits are small, and a curve traced on them step by step fits their noise: one
 * lucky item moves F1 by more than a tolerance. Picks therefore read the curve smoothed over a
 * window of {@link #smoothingWindow} routed items on each side (one home for it: the same smoothing
 * serves every rule), and the F1 figures recorded in the thresholds' calibration facts are the raw
 * ones at the chosen point.
 */
public final class Calibrator {
    /** How far below the best (smoothed) blended F1 the default pick may be, to route less. */
    public static final double BEST_TOLERANCE = 0.001;

    /** How far below the expert alone {@link #forExpertParity} may stay. */
    public static final double PARITY_TOLERANCE = 0.005;

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
                        "calibration needs a non-empty validation split with one probability vector per item");
            }
            if (expertPredictions != null && expertPredictions.length != truth.length) {
                throw new IllegalArgumentException("expert predictions must cover every validation item");
            }
        }

        /** The routing-rate → blended-F1 curve of this split. */
        public Frontier frontier() {
            return Frontier.trace(labels, truth, gateProbabilities, expertPredictions, headline);
        }
    }

    /** The default: the least routing within {@link #BEST_TOLERANCE} of the best smoothed blended F1. */
    public static GateThresholds forBestBlend(Validation validation) {
        Frontier frontier = validation.frontier();
        double[] smoothed = smoothed(frontier, Target.F1);
        int best = bestIndex(frontier, smoothed, frontier.items());
        int pick = leastReaching(frontier, smoothed, smoothed[best] - BEST_TOLERANCE);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", "best_blend");
        facts.put("tolerance", BEST_TOLERANCE);
        return thresholds(validation, frontier, pick, facts);
    }

    /**
     * The default: the shared confidence cut with the most <em>net corrections</em> on validation (items
     * the expert gets right and the gate wrong, less items the gate gets right and the expert wrong; on a
     * tie the least routing); a class routes up to its own best cut when that routes more, and less than
     * the shared cut only on clear evidence (see {@link CorrectionsPick}).
     *
     * <p>Why net corrections and not the best point of the blended-F1 curve: picks on the validation F1
     * curve follow noise in F1's ratio (a few items of the positive class move it) and routed 31 % of
     * SpamAssassin for no test gain; an additive count generalizes better. Why shared: one cut per class,
     * each fitted on its own, overshoots on small validation splits (measured in {@link CorrectionsPick}).
     * Without an expert there is nothing to correct, and this is {@link #forBestBlend}.
     */
    public static GateThresholds forCorrections(Validation validation) {
        if (validation.expertPredictions() == null) {
            return forBestBlend(validation);
        }
        List<String> labels = validation.labels();
        int classes = labels.size();
        int[] truth = validation.truth();
        int[] expert = validation.expertPredictions();
        float[][] probabilities = validation.gateProbabilities();
        CorrectionsPick.Result pick = CorrectionsPick.pick(labels, truth, probabilities, expert);
        Map<String, Double> cuts = pick.thresholds();
        Cascade.Outcome outcome = Cascade.run(new GateThresholds(labels, cuts, Map.of()), probabilities, expert);
        Headline headline = validation.headline();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", "shared_net_corrections");
        facts.putAll(pick.facts());
        facts.put("validation_items", truth.length);
        facts.put(GateThresholds.CALIBRATED_ROUTING_RATE, outcome.expertFraction());
        facts.put("validation_f1_blended", headline.f1(Confusion.of(classes, truth, outcome.predictions()), labels));
        facts.put(
                "validation_f1_gate_only",
                headline.f1(Confusion.of(classes, truth, Cascade.argmax(probabilities)), labels));
        facts.put("validation_f1_expert_only", headline.f1(Confusion.of(classes, truth, expert), labels));
        facts.put(GateThresholds.CALIBRATED_ROUTING_RATE_PER_CLASS, routingByClass(validation, cuts));
        facts.put("f1_kind", headline.kind());
        facts.put("escalated_answered_by", "expert");
        return new GateThresholds(labels, cuts, facts);
    }

    /**
     * The least routing whose smoothed blended F1 reaches the expert's alone less {@link
     * #PARITY_TOLERANCE}, else the best point.
     */
    public static GateThresholds forExpertParity(Validation validation) {
        Frontier frontier = validation.frontier();
        double[] smoothed = smoothed(frontier, Target.F1);
        int best = bestIndex(frontier, smoothed, frontier.items());
        double floor = frontier.expertOnlyF1() - PARITY_TOLERANCE;
        int pick = frontier.hasExpert() && smoothed[best] >= floor ? leastReaching(frontier, smoothed, floor) : best;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", "expert_parity");
        facts.put("tolerance", PARITY_TOLERANCE);
        return thresholds(validation, frontier, pick, facts);
    }

    /** The best point routing at most {@code rate} of the validation items. */
    public static GateThresholds forExpertRate(Validation validation, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("expert rate must be in [0, 1], was " + rate);
        }
        Frontier frontier = validation.frontier();
        int cap = (int) Math.floor(rate * frontier.items() + 1e-9);
        int pick;
        if (frontier.hasExpert()) {
            pick = bestIndex(frontier, smoothed(frontier, Target.F1), cap);
        } else {
            // Nothing to weigh without an expert: route up to the cap, least confident first.
            pick = 0;
            while (pick + 1 < frontier.size() && frontier.routed(pick + 1) <= cap) {
                pick++;
            }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", "expert_rate_cap");
        facts.put("target", rate);
        return thresholds(validation, frontier, pick, facts);
    }

    /** The least routing whose blended validation F1 / precision reaches {@code target}, else the best point. */
    public static GateThresholds forTarget(Validation validation, Target metric, double target) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException(
                    "target " + metric.name().toLowerCase(Locale.ROOT) + " must be in (0, 1], was " + target);
        }
        Frontier frontier = validation.frontier();
        double[] smoothed = smoothed(frontier, metric);
        int best = bestIndex(frontier, smoothed, frontier.items());
        boolean reached = smoothed[best] >= target;
        int pick = reached ? leastReaching(frontier, smoothed, target) : best;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", metric == Target.F1 ? "target_f1" : "target_precision");
        facts.put("target", target);
        facts.put("target_reached", reached);
        return thresholds(validation, frontier, pick, facts);
    }

    /** Items on each side over which a pick averages the curve: 0.5 % of the split, at least 2. */
    static int smoothingWindow(int items) {
        return Math.max(2, (int) Math.round(0.005 * items));
    }

    /**
     * The curve's values averaged, at each point, over the points whose routed count is within
     * {@link #smoothingWindow} of its own (a running window over the path, O(points)).
     */
    static double[] smoothed(Frontier frontier, Target metric) {
        return smoothed(frontier, metric, smoothingWindow(frontier.items()));
    }

    static double[] smoothed(Frontier frontier, Target metric, int window) {
        int size = frontier.size();
        double[] prefix = new double[size + 1];
        for (int i = 0; i < size; i++) {
            prefix[i + 1] = prefix[i] + (metric == Target.F1 ? frontier.f1(i) : frontier.precision(i));
        }
        double[] smoothed = new double[size];
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < size; i++) {
            while (frontier.routed(lo) < frontier.routed(i) - window) {
                lo++;
            }
            while (hi + 1 < size && frontier.routed(hi + 1) <= frontier.routed(i) + window) {
                hi++;
            }
            smoothed[i] = (prefix[hi + 1] - prefix[lo]) / (hi + 1 - lo);
        }
        return smoothed;
    }

    /** The point with the highest value among those routing at most {@code cap} items (ties: least routing). */
    private static int bestIndex(Frontier frontier, double[] values, int cap) {
        int best = 0;
        for (int i = 1; i < frontier.size() && frontier.routed(i) <= cap; i++) {
            if (values[i] > values[best] + 1e-12) {
                best = i;
            }
        }
        return best;
    }

    /** The first point (least routing) whose value reaches {@code floor}. */
    private static int leastReaching(Frontier frontier, double[] values, double floor) {
        for (int i = 0; i < frontier.size(); i++) {
            if (values[i] >= floor - 1e-12) {
                return i;
            }
        }
        return frontier.size() - 1;
    }

    private static GateThresholds thresholds(
            Validation validation, Frontier frontier, int pick, Map<String, Object> facts) {
        Frontier.Point point = frontier.point(pick);
        facts.put("validation_items", frontier.items());
        facts.put(GateThresholds.CALIBRATED_ROUTING_RATE, point.routingRate());
        facts.put("validation_f1_blended", point.f1());
        facts.put("validation_precision_blended", frontier.precision(pick));
        facts.put("validation_f1_gate_only", frontier.gateOnlyF1());
        if (frontier.hasExpert()) {
            facts.put("validation_f1_expert_only", frontier.expertOnlyF1());
        }
        facts.put(GateThresholds.CALIBRATED_ROUTING_RATE_PER_CLASS, routingByClass(validation, point.thresholds()));
        facts.put("smoothing_window_items", smoothingWindow(frontier.items()));
        facts.put("f1_kind", validation.headline().kind());
        facts.put("escalated_answered_by", frontier.hasExpert() ? "expert" : "gate (no expert)");
        return new GateThresholds(validation.labels(), point.thresholds(), facts);
    }

    /** Label → share of the items the gate predicts as that label that the point routes. */
    private static Map<String, Double> routingByClass(Validation validation, Map<String, Double> cuts) {
        GateThresholds thresholds = new GateThresholds(validation.labels(), cuts, Map.of());
        int classes = validation.labels().size();
        int[] items = new int[classes];
        int[] routed = new int[classes];
        for (float[] p : validation.gateProbabilities()) {
            int k = GateThresholds.argmax(p);
            items[k]++;
            routed[k] += thresholds.isConfident(p) ? 0 : 1;
        }
        Map<String, Double> byClass = new LinkedHashMap<>();
        for (int k = 0; k < classes; k++) {
            byClass.put(validation.labels().get(k), items[k] == 0 ? 0.0 : (double) routed[k] / items[k]);
        }
        return byClass;
    }
}
