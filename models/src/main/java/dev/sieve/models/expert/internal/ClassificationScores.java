package dev.sieve.models.expert.internal;

import java.util.List;

/** F1 and accuracy of predicted probability vectors against class indices. */
public final class ClassificationScores {
    private ClassificationScores() {}

    public static int argmax(float[] probabilities) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return best;
    }

    /** F1 of one class taken as positive. */
    public static double f1(List<float[]> probabilities, int[] truth, int positive) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < truth.length; i++) {
            int predicted = argmax(probabilities.get(i));
            if (predicted == positive && truth[i] == positive) {
                tp++;
            } else if (predicted == positive) {
                fp++;
            } else if (truth[i] == positive) {
                fn++;
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** Unweighted mean of the per-class F1 scores. */
    public static double macroF1(List<float[]> probabilities, int[] truth, int classes) {
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += f1(probabilities, truth, c);
        }
        return sum / classes;
    }

    public static double accuracy(List<float[]> probabilities, int[] truth) {
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (argmax(probabilities.get(i)) == truth[i]) {
                correct++;
            }
        }
        return truth.length == 0 ? 0 : (double) correct / truth.length;
    }

    /** The least frequent class (the usual "positive" class of a detection task such as spam). */
    public static int minorityClass(int[] truth, int classes) {
        int[] counts = new int[classes];
        for (int t : truth) {
            counts[t]++;
        }
        int minority = 0;
        for (int c = 1; c < classes; c++) {
            if (counts[c] < counts[minority]) {
                minority = c;
            }
        }
        return minority;
    }
}
