package dev.sieve.models.calibration;

/**
 * Per-class counts from which precision, recall and F1 follow: true positives, predictions and
 * support of every class. The one home of the F1 formula; {@link ClassificationReport} reads its
 * scores from here and {@link Frontier} updates the counts in place as items move between tiers.
 */
final class Confusion {
    final int[] truePositives;
    final int[] predicted;
    final int[] support;

    Confusion(int classes) {
        truePositives = new int[classes];
        predicted = new int[classes];
        support = new int[classes];
    }

    static Confusion of(int classes, int[] truth, int[] predictions) {
        if (truth.length != predictions.length) {
            throw new IllegalArgumentException("truth and predictions differ in length");
        }
        Confusion counts = new Confusion(classes);
        for (int i = 0; i < truth.length; i++) {
            counts.support[truth[i]]++;
            counts.add(truth[i], predictions[i], 1);
        }
        return counts;
    }

    int classes() {
        return support.length;
    }

    /** Counts (sign +1) or uncounts (sign -1) one prediction of an item whose true class is {@code truth}. */
    void add(int truth, int prediction, int sign) {
        predicted[prediction] += sign;
        if (truth == prediction) {
            truePositives[prediction] += sign;
        }
    }

    double precision(int k) {
        return predicted[k] == 0 ? 0 : (double) truePositives[k] / predicted[k];
    }

    double recall(int k) {
        return support[k] == 0 ? 0 : (double) truePositives[k] / support[k];
    }

    /** 2·TP / (predicted + support); 0 for a class that is neither present nor predicted. */
    double f1(int k) {
        return f1(truePositives[k], predicted[k], support[k]);
    }

    static double f1(int truePositives, int predicted, int support) {
        return predicted + support == 0 ? 0 : 2.0 * truePositives / (predicted + support);
    }

    double macroF1() {
        double sum = 0;
        for (int k = 0; k < classes(); k++) {
            sum += f1(k);
        }
        return sum / classes();
    }
}
