package dev.sieve.models.calibration;

import dev.sieve.gate.model.GateThresholds;

/**
 * The two-tier decision on a set of items: the gate answers the items whose top-class probability
 * reaches that class's threshold, the expert answers the rest.
 */
public final class Cascade {
    private Cascade() {}

    /**
     * Decisions for every item.
     *
     * @param predictions blended predicted label index per item
     * @param escalated true where the expert answered
     * @param expertFraction fraction of items escalated
     */
    public record Outcome(int[] predictions, boolean[] escalated, double expertFraction) {}

    /**
     * @param gateProbabilities per item, the gate's probabilities
     * @param expertPredictions per item, the expert's predicted label index; null when there is no
     *     expert (escalated items then keep the gate's answer, which is what the routing costs without
     *     a quality gain)
     */
    public static Outcome run(GateThresholds thresholds, float[][] gateProbabilities, int[] expertPredictions) {
        int n = gateProbabilities.length;
        int[] predictions = new int[n];
        boolean[] escalated = new boolean[n];
        int escalations = 0;
        for (int i = 0; i < n; i++) {
            boolean confident = thresholds.isConfident(gateProbabilities[i]);
            escalated[i] = !confident;
            if (!confident) {
                escalations++;
            }
            predictions[i] = !confident && expertPredictions != null
                    ? expertPredictions[i]
                    : GateThresholds.argmax(gateProbabilities[i]);
        }
        return new Outcome(predictions, escalated, n == 0 ? 0 : (double) escalations / n);
    }

    /** Argmax of every row. */
    public static int[] argmax(float[][] probabilities) {
        int[] predictions = new int[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            predictions[i] = GateThresholds.argmax(probabilities[i]);
        }
        return predictions;
    }
}
