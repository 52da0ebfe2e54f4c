package dev.sieve.models.expert.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains the expert's classifier head in two stages and folds both into one linear layer over
 * {@code [embedding, log(gate probabilities)]}:
 *
 * <ol>
 *   <li>a softmax regression on the pooled embeddings of the training split (L2 strength chosen on
 *       validation macro-F1);
 *   <li>when gate probabilities are available, a small stacking regression on the validation split over
 *       {@code [stage-1 logits, centred log gate probabilities]}. The gate saw the training split, so its
 *       training-split scores are over-confident; fitting the trust in the gate on held-out scores avoids
 *       learning "always follow the gate".
 * </ol>
 *
 * <p>Both choices above look at validation, so the head's own validation predictions are optimistic,
 * and calibration on them would route to an expert that looks better than it is. {@link
 * Result#crossFittedValidation()} gives honest ones: validation is cut into {@value #CROSS_FIT_FOLDS}
 * folds, and each fold is predicted by a head whose L2 strength and stacking were chosen on the other
 * folds only (stage 1 never saw validation).
 *
 * <p>Both stages are linear, so {@code logits = (x W1 + b1) A + (log p) M G + b2} collapses to one layer;
 * centring {@code M = I - 1/C} makes a uniform gate contribute nothing (the neutral fallback).
 */
public final class HeadTrainer {
    static final double[] L2_GRID = {1e-4, 1e-3, 1e-2, 1e-1};
    static final double STACKING_L2 = 1e-2;
    static final int ITERATIONS = 300;
    /** Folds of the validation split for the cross-fitted validation predictions. */
    public static final int CROSS_FIT_FOLDS = 5;

    private HeadTrainer() {}

    /** A trained head plus what was learnt on the way. */
    public record Result(
            DenseHead head,
            DenseHead.Layer embeddingOnly,
            double chosenL2,
            double embeddingOnlyValidationMacroF1,
            List<float[]> crossFittedValidation) {}

    /**
     * @param validationGate gate probabilities of the validation items, or null to train an embedding-only head
     */
    public static Result train(
            List<float[]> trainEmbeddings,
            int[] trainLabels,
            List<float[]> validationEmbeddings,
            int[] validationLabels,
            List<float[]> validationGate,
            int classes) {
        float[][] x = trainEmbeddings.toArray(float[][]::new);
        int dimension = x[0].length;
        DenseHead.Layer best = null;
        double bestScore = -1;
        double bestL2 = 0;
        List<DenseHead.Layer> layers = new ArrayList<>();
        List<List<float[]>> predictedByL2 = new ArrayList<>();
        for (double l2 : L2_GRID) {
            DenseHead.Layer layer = SoftmaxRegression.fit(x, trainLabels, classes, null, l2, ITERATIONS);
            DenseHead candidate = new DenseHead(List.of(layer), dimension, 0);
            List<float[]> predicted = new ArrayList<>();
            for (float[] e : validationEmbeddings) {
                predicted.add(candidate.probabilities(e, null));
            }
            layers.add(layer);
            predictedByL2.add(predicted);
            double score = ClassificationScores.macroF1(predicted, validationLabels, classes);
            if (score > bestScore) {
                bestScore = score;
                best = layer;
                bestL2 = l2;
            }
        }
        List<float[]> crossFitted = crossFit(
                layers, predictedByL2, validationEmbeddings, validationLabels, validationGate, classes, dimension);
        if (validationGate == null) {
            return new Result(new DenseHead(List.of(best), dimension, 0), best, bestL2, bestScore, crossFitted);
        }
        DenseHead.Layer stacked = stack(best, validationEmbeddings, validationLabels, validationGate, classes);
        return new Result(new DenseHead(List.of(stacked), dimension, classes), best, bestL2, bestScore, crossFitted);
    }

    /** Out-of-fold validation probabilities: fold {@code i % folds} is predicted by a head chosen on the rest. */
    static List<float[]> crossFit(
            List<DenseHead.Layer> layers,
            List<List<float[]>> predictedByL2,
            List<float[]> embeddings,
            int[] labels,
            List<float[]> gate,
            int classes,
            int dimension) {
        int n = embeddings.size();
        float[][] result = new float[n][];
        int folds = Math.min(CROSS_FIT_FOLDS, n);
        for (int fold = 0; fold < folds; fold++) {
            List<Integer> rest = new ArrayList<>();
            List<Integer> held = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (i % folds == fold ? held : rest).add(i);
            }
            if (rest.isEmpty()) {
                rest = held;
            }
            int[] restLabels = rest.stream().mapToInt(i -> labels[i]).toArray();
            int bestLayer = 0;
            double bestScore = -1;
            for (int l = 0; l < layers.size(); l++) {
                List<float[]> predicted = predictedByL2.get(l);
                double score = ClassificationScores.macroF1(
                        rest.stream().map(predicted::get).toList(), restLabels, classes);
                if (score > bestScore) {
                    bestScore = score;
                    bestLayer = l;
                }
            }
            if (gate == null) {
                for (int i : held) {
                    result[i] = predictedByL2.get(bestLayer).get(i);
                }
                continue;
            }
            DenseHead stacked = new DenseHead(
                    List.of(stack(
                            layers.get(bestLayer),
                            rest.stream().map(embeddings::get).toList(),
                            restLabels,
                            rest.stream().map(gate::get).toList(),
                            classes)),
                    dimension,
                    classes);
            for (int i : held) {
                result[i] = stacked.probabilities(embeddings.get(i), gate.get(i));
            }
        }
        return List.of(result);
    }

    /** Fits stage 2 on validation and folds it with stage 1 into one layer over {@code [embedding, log p]}. */
    static DenseHead.Layer stack(
            DenseHead.Layer stage1, List<float[]> embeddings, int[] labels, List<float[]> gate, int classes) {
        int n = embeddings.size();
        int dimension = stage1.inputs();
        float[][] features = new float[n][2 * classes];
        for (int i = 0; i < n; i++) {
            float[] logits = logits(stage1, embeddings.get(i));
            float[] centred = centredLogProbabilities(gate.get(i));
            System.arraycopy(logits, 0, features[i], 0, classes);
            System.arraycopy(centred, 0, features[i], classes, classes);
        }
        DenseHead.Layer stage2 = SoftmaxRegression.fit(features, labels, classes, null, STACKING_L2, ITERATIONS);
        float[][] weights = new float[dimension + classes][classes];
        float[] bias = stage2.bias().clone();
        // embedding part: W1 A, bias b1 A + b2
        for (int j = 0; j < dimension; j++) {
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int k = 0; k < classes; k++) {
                    s += (double) stage1.weights()[j][k] * stage2.weights()[k][c];
                }
                weights[j][c] = (float) s;
            }
        }
        for (int c = 0; c < classes; c++) {
            double s = 0;
            for (int k = 0; k < classes; k++) {
                s += (double) stage1.bias()[k] * stage2.weights()[k][c];
            }
            bias[c] += (float) s;
        }
        // gate part: M G with M = I - 1/C (centring)
        for (int r = 0; r < classes; r++) {
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int k = 0; k < classes; k++) {
                    double m = (r == k ? 1.0 : 0.0) - 1.0 / classes;
                    s += m * stage2.weights()[classes + k][c];
                }
                weights[dimension + r][c] = (float) s;
            }
        }
        return new DenseHead.Layer(weights, bias);
    }

    static float[] logits(DenseHead.Layer layer, float[] x) {
        float[] y = layer.bias().clone();
        for (int j = 0; j < x.length; j++) {
            for (int c = 0; c < y.length; c++) {
                y[c] += x[j] * layer.weights()[j][c];
            }
        }
        return y;
    }

    static float[] centredLogProbabilities(float[] probabilities) {
        int classes = probabilities.length;
        float[] logs = new float[classes];
        double mean = 0;
        for (int c = 0; c < classes; c++) {
            logs[c] = (float) Math.log(Math.max(probabilities[c], DenseHead.GATE_PROBABILITY_FLOOR));
            mean += logs[c];
        }
        mean /= classes;
        for (int c = 0; c < classes; c++) {
            logs[c] -= (float) mean;
        }
        return logs;
    }
}
