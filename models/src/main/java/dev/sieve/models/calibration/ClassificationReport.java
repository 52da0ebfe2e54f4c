package dev.sieve.models.calibration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Precision, recall and F1 per class, their macro averages and accuracy, from true and predicted
 * label indices.
 *
 * @param labels class labels (index order)
 * @param perClass label → scores
 * @param macroPrecision unweighted mean precision over classes
 * @param macroRecall unweighted mean recall over classes
 * @param macroF1 unweighted mean F1 over classes
 * @param accuracy fraction of items predicted correctly
 * @param items number of items
 */
public record ClassificationReport(
        List<String> labels,
        Map<String, ClassScores> perClass,
        double macroPrecision,
        double macroRecall,
        double macroF1,
        double accuracy,
        int items) {

    /** Scores of one class; precision is 0 when the class is never predicted. */
    public record ClassScores(double precision, double recall, double f1, int support) {}

    public static ClassificationReport of(List<String> labels, int[] truth, int[] predicted) {
        int classes = labels.size();
        Confusion counts = Confusion.of(classes, truth, predicted);
        Map<String, ClassScores> perClass = new LinkedHashMap<>();
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        int correct = 0;
        for (int k = 0; k < classes; k++) {
            double precision = counts.precision(k);
            double recall = counts.recall(k);
            double f1 = counts.f1(k);
            perClass.put(labels.get(k), new ClassScores(precision, recall, f1, counts.support[k]));
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
            correct += counts.truePositives[k];
        }
        return new ClassificationReport(
                List.copyOf(labels),
                perClass,
                precisionSum / classes,
                recallSum / classes,
                f1Sum / classes,
                truth.length == 0 ? 0 : (double) correct / truth.length,
                truth.length);
    }
}
