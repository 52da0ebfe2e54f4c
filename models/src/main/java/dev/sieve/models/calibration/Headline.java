package dev.sieve.models.calibration;

import java.util.List;

/**
 * Which single precision / recall / F1 summarizes a report: the positive class's for a binary task
 * whose labels include the positive label (e.g. {@code spam}), the macro averages otherwise.
 *
 * @param kind {@code "positive_class"} or {@code "macro"}
 * @param positiveLabel the positive label when {@code kind} is {@code positive_class}, else null
 */
public record Headline(String kind, String positiveLabel) {
    public static final String DEFAULT_POSITIVE_LABEL = "spam";

    public static Headline of(List<String> labels, String positiveLabel) {
        if (labels.size() == 2 && positiveLabel != null && labels.contains(positiveLabel)) {
            return new Headline("positive_class", positiveLabel);
        }
        return new Headline("macro", null);
    }

    public double f1(ClassificationReport report) {
        return positiveLabel == null
                ? report.macroF1()
                : report.perClass().get(positiveLabel).f1();
    }

    /** The same F1 as {@link #f1(ClassificationReport)}, read from counts ({@code labels} in index order). */
    double f1(Confusion counts, List<String> labels) {
        return positiveLabel == null ? counts.macroF1() : counts.f1(labels.indexOf(positiveLabel));
    }

    double precision(Confusion counts, List<String> labels) {
        if (positiveLabel != null) {
            return counts.precision(labels.indexOf(positiveLabel));
        }
        double sum = 0;
        for (int k = 0; k < counts.classes(); k++) {
            sum += counts.precision(k);
        }
        return sum / counts.classes();
    }

    public double precision(ClassificationReport report) {
        return positiveLabel == null
                ? report.macroPrecision()
                : report.perClass().get(positiveLabel).precision();
    }

    public double recall(ClassificationReport report) {
        return positiveLabel == null
                ? report.macroRecall()
                : report.perClass().get(positiveLabel).recall();
    }
}
