package dev.sieve.models.calibration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The routing-rate → blended-F1 curve of the cascade on one labeled split, with the per-class
 * thresholds of every point.
 *
 * <p>Items are grouped by the gate's predicted class; within a class, items with the same top
 * probability form one group, so a threshold always sits between two distinct scores (the midpoint)
 * and tied items move together. The path starts from routing nothing; each step advances the one
 * class whose next group gives the best blended-F1 gain per extra routed item (equal gains: the less
 * confident group first), until every item whose top probability is below 1 is routed. Each group's
 * effect on the confusion counts is computed once and the counts are updated in place, so tracing
 * costs O(n log n) for the sort plus O(classes) per candidate and step, with candidates of at most
 * {@code classes + 1} count changes each. Classes whose items are hard for the gate and easy for the
 * expert advance early; classes the gate already gets right stay put, so the thresholds differ.
 *
 * <p>The F1 is the {@link Headline}'s: the positive class's for a binary task with a positive label,
 * macro-F1 otherwise. Without an expert, routed items keep the gate's answer: every gain is zero and
 * the path routes in order of confidence.
 */
public final class Frontier {
    private static final double EPSILON = 1e-12;

    /**
     * One point of the curve.
     *
     * @param routed items routed to the expert
     * @param routingRate {@code routed} over all items
     * @param f1 blended F1 (the headline's) when the gate answers the rest
     * @param thresholds label → the gate's threshold at this point
     */
    public record Point(int routed, double routingRate, double f1, Map<String, Double> thresholds) {}

    private final List<String> labels;
    private final int items;
    private final boolean hasExpert;
    private final double expertOnlyF1;
    private final int[] routed;
    private final double[] f1;
    private final double[] precision;
    private final int[][] levels;
    private final double[][] cuts;

    private Frontier(
            List<String> labels,
            int items,
            boolean hasExpert,
            double expertOnlyF1,
            int[] routed,
            double[] f1,
            double[] precision,
            int[][] levels,
            double[][] cuts) {
        this.labels = labels;
        this.items = items;
        this.hasExpert = hasExpert;
        this.expertOnlyF1 = expertOnlyF1;
        this.routed = routed;
        this.f1 = f1;
        this.precision = precision;
        this.levels = levels;
        this.cuts = cuts;
    }

    /**
     * Traces the curve.
     *
     * @param labels class labels, in probability order
     * @param truth true label index per item
     * @param gateProbabilities the gate's probabilities per item
     * @param expertPredictions the expert's predicted label index per item, or null without an expert
     * @param headline which F1 the curve shows
     */
    public static Frontier trace(
            List<String> labels, int[] truth, float[][] gateProbabilities, int[] expertPredictions, Headline headline) {
        List<String> order = List.copyOf(labels);
        int classes = order.size();
        int n = validate(order, truth, gateProbabilities, expertPredictions, headline);
        int[] gateClass = Cascade.argmax(gateProbabilities);
        int[] expert = expertPredictions != null ? expertPredictions : gateClass;
        Confusion counts = Confusion.of(classes, truth, gateClass);
        int positive = headline.positiveLabel() == null ? -1 : order.indexOf(headline.positiveLabel());

        Groups groups = Groups.of(classes, truth, gateProbabilities, gateClass, expert);
        int[] level = new int[classes];
        int steps = 0;
        for (int c = 0; c < classes; c++) {
            steps += groups.routable[c];
        }
        int[] routed = new int[steps + 1];
        double[] f1 = new double[steps + 1];
        double[] precision = new double[steps + 1];
        int[][] levels = new int[steps + 1][];
        f1[0] = headline.f1(counts, order);
        precision[0] = headline.precision(counts, order);
        levels[0] = level.clone();
        for (int step = 1; step <= steps; step++) {
            int best = -1;
            double bestRatio = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (level[c] == groups.routable[c]) {
                    continue;
                }
                Group g = groups.of(c, level[c]);
                double ratio = g.gain(counts, positive) / g.size;
                if (ratio > bestRatio + EPSILON
                        || (ratio > bestRatio - EPSILON && g.score < groups.of(best, level[best]).score)) {
                    best = c;
                    bestRatio = ratio;
                }
            }
            Group chosen = groups.of(best, level[best]);
            chosen.apply(counts);
            level[best]++;
            routed[step] = routed[step - 1] + chosen.size;
            f1[step] = headline.f1(counts, order);
            precision[step] = headline.precision(counts, order);
            levels[step] = level.clone();
        }
        double expertOnly = expertPredictions == null
                ? Double.NaN
                : headline.f1(Confusion.of(classes, truth, expertPredictions), order);
        return new Frontier(
                order, n, expertPredictions != null, expertOnly, routed, f1, precision, levels, groups.cuts);
    }

    private static int validate(
            List<String> labels, int[] truth, float[][] gateProbabilities, int[] expertPredictions, Headline headline) {
        Objects.requireNonNull(truth, "truth");
        Objects.requireNonNull(gateProbabilities, "gateProbabilities");
        Objects.requireNonNull(headline, "headline");
        int n = truth.length;
        if (n == 0 || gateProbabilities.length != n) {
            throw new IllegalArgumentException(
                    "the frontier needs a non-empty split with one gate probability vector per item");
        }
        if (expertPredictions != null && expertPredictions.length != n) {
            throw new IllegalArgumentException("expertPredictions must cover every item: " + expertPredictions.length
                    + " predictions for " + n + " items");
        }
        for (int i = 0; i < n; i++) {
            if (gateProbabilities[i].length != labels.size()) {
                throw new IllegalArgumentException("gateProbabilities[" + i + "] has " + gateProbabilities[i].length
                        + " values for " + labels.size() + " labels");
            }
            if (truth[i] < 0 || truth[i] >= labels.size()) {
                throw new IllegalArgumentException("truth[" + i + "] = " + truth[i] + " is not a label index");
            }
            if (expertPredictions != null && (expertPredictions[i] < 0 || expertPredictions[i] >= labels.size())) {
                throw new IllegalArgumentException(
                        "expertPredictions[" + i + "] = " + expertPredictions[i] + " is not a label index");
            }
        }
        return n;
    }

    public List<String> labels() {
        return labels;
    }

    /** Items of the split. */
    public int items() {
        return items;
    }

    public boolean hasExpert() {
        return hasExpert;
    }

    /** Number of points; point 0 routes nothing. */
    public int size() {
        return routed.length;
    }

    public Point point(int index) {
        return new Point(routed[index], (double) routed[index] / items, f1[index], thresholds(index));
    }

    public List<Point> points() {
        List<Point> points = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            points.add(point(i));
        }
        return Collections.unmodifiableList(points);
    }

    /** Items routed at point {@code index}. */
    public int routed(int index) {
        return routed[index];
    }

    /** Blended F1 at point {@code index}. */
    public double f1(int index) {
        return f1[index];
    }

    /** Blended precision (the headline's) at point {@code index}. */
    public double precision(int index) {
        return precision[index];
    }

    /** F1 of the gate alone (point 0). */
    public double gateOnlyF1() {
        return f1[0];
    }

    /** F1 of the expert answering every item; NaN without an expert. */
    public double expertOnlyF1() {
        return expertOnlyF1;
    }

    /** Label → threshold at point {@code index}. */
    public Map<String, Double> thresholds(int index) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            thresholds.put(labels.get(c), cuts[c][levels[index][c]]);
        }
        return thresholds;
    }

    /** The items of one gate class that share one top probability, and what routing them changes. */
    private static final class Group {
        final float score;
        final int size;
        // Sparse change of the confusion counts when the expert answers these items.
        final int[] classes;
        final int[] truePositives;
        final int[] predicted;

        Group(float score, int size, int[] classes, int[] truePositives, int[] predicted) {
            this.score = score;
            this.size = size;
            this.classes = classes;
            this.truePositives = truePositives;
            this.predicted = predicted;
        }

        /** Change of the headline F1 (positive class index, or -1 for macro) if this group were routed. */
        double gain(Confusion counts, int positive) {
            double gain = 0;
            for (int j = 0; j < classes.length; j++) {
                int k = classes[j];
                if (positive >= 0 && k != positive) {
                    continue;
                }
                double after = Confusion.f1(
                        counts.truePositives[k] + truePositives[j],
                        counts.predicted[k] + predicted[j],
                        counts.support[k]);
                gain += after - counts.f1(k);
            }
            return positive >= 0 ? gain : gain / counts.classes();
        }

        void apply(Confusion counts) {
            for (int j = 0; j < classes.length; j++) {
                counts.truePositives[classes[j]] += truePositives[j];
                counts.predicted[classes[j]] += predicted[j];
            }
        }
    }

    /** Per gate class: its groups in ascending score, how many can be routed, and the threshold per level. */
    private static final class Groups {
        final Group[][] byClass;
        final int[] routable;
        final double[][] cuts;

        private Groups(Group[][] byClass, int[] routable, double[][] cuts) {
            this.byClass = byClass;
            this.routable = routable;
            this.cuts = cuts;
        }

        Group of(int c, int level) {
            return byClass[c][level];
        }

        static Groups of(int classes, int[] truth, float[][] probabilities, int[] gateClass, int[] expert) {
            int n = truth.length;
            float[] score = new float[n];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                score[i] = probabilities[i][gateClass[i]];
                order[i] = i;
            }
            Arrays.sort(
                    order,
                    (a, b) -> gateClass[a] != gateClass[b]
                            ? Integer.compare(gateClass[a], gateClass[b])
                            : Float.compare(score[a], score[b]));
            Group[][] byClass = new Group[classes][];
            int[] routable = new int[classes];
            double[][] cuts = new double[classes][];
            int[] dTruePositives = new int[classes];
            int[] dPredicted = new int[classes];
            boolean[] touched = new boolean[classes];
            int[] touchedList = new int[classes];
            int start = 0;
            for (int c = 0; c < classes; c++) {
                List<Group> groups = new ArrayList<>();
                while (start < n && gateClass[order[start]] == c) {
                    int end = start;
                    float s = score[order[start]];
                    int touchedCount = 0;
                    while (end < n && gateClass[order[end]] == c && score[order[end]] == s) {
                        int i = order[end];
                        for (int k : new int[] {c, expert[i]}) {
                            if (!touched[k]) {
                                touched[k] = true;
                                touchedList[touchedCount++] = k;
                            }
                        }
                        dPredicted[c]--;
                        dPredicted[expert[i]]++;
                        dTruePositives[c] -= truth[i] == c ? 1 : 0;
                        dTruePositives[expert[i]] += truth[i] == expert[i] ? 1 : 0;
                        end++;
                    }
                    int[] ks = new int[touchedCount];
                    int[] tps = new int[touchedCount];
                    int[] preds = new int[touchedCount];
                    for (int j = 0; j < touchedCount; j++) {
                        int k = touchedList[j];
                        ks[j] = k;
                        tps[j] = dTruePositives[k];
                        preds[j] = dPredicted[k];
                        dTruePositives[k] = 0;
                        dPredicted[k] = 0;
                        touched[k] = false;
                    }
                    groups.add(new Group(s, end - start, ks, tps, preds));
                    start = end;
                }
                byClass[c] = groups.toArray(Group[]::new);
                // A threshold is at most 1, so items the gate scores exactly 1 cannot be routed.
                int r = byClass[c].length;
                while (r > 0 && byClass[c][r - 1].score >= 1.0f) {
                    r--;
                }
                routable[c] = r;
                cuts[c] = new double[r + 1];
                for (int level = 1; level <= r; level++) {
                    cuts[c][level] = level < byClass[c].length
                            ? ((double) byClass[c][level - 1].score + byClass[c][level].score) / 2
                            : 1.0;
                }
            }
            return new Groups(byClass, routable, cuts);
        }
    }
}
