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
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        int classes = labels.size();
        int[] truePositives = new int[classes];
        int[] predictedCount = new int[classes];
        int[] support = new int[classes];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            support[truth[i]]++;
            predictedCount[predicted[i]]++;
            if (truth[i] == predicted[i]) {
                truePositives[truth[i]]++;
                correct++;
            }
        }
        Map<String, ClassScores> perClass = new LinkedHashMap<>();
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        for (int k = 0; k < classes; k++) {
            double precision = predictedCount[k] == 0 ? 0 : (double) truePositives[k] / predictedCount[k];
            double recall = support[k] == 0 ? 0 : (double) truePositives[k] / support[k];
            double f1 =
                    predictedCount[k] + support[k] == 0 ? 0 : 2.0 * truePositives[k] / (predictedCount[k] + support[k]);
            perClass.put(labels.get(k), new ClassScores(precision, recall, f1, support[k]));
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
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
