package dev.sieve.models.expert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadTrainerTest {
    private final Random random = new Random(3);

    @Test
    void fit_whenClassesAreSeparable_classifiesHeldOutItems() {
        Data train = data(400, 8, 0.0);
        Data validation = data(200, 8, 0.0);

        HeadTrainer.Result result = HeadTrainer.train(train.x, train.y, validation.x, validation.y, null, 2);

        assertThat(result.embeddingOnlyValidationMacroF1()).isGreaterThan(0.95);
        assertThat(result.head().gateClasses()).isZero();
    }

    @Test
    void stack_foldedLayer_equalsStageOneThenStageTwo() {
        Data train = data(300, 5, 0.0);
        Data validation = data(150, 5, 0.0);
        List<float[]> gate = gate(validation.y, 0.8);

        HeadTrainer.Result result = HeadTrainer.train(train.x, train.y, validation.x, validation.y, gate, 2);

        // the gate part of the folded layer is centred: a uniform gate contributes nothing
        DenseHead head = result.head();
        float[] uniform = {0.5f, 0.5f};
        DenseHead embeddingPart = new DenseHead(
                List.of(new DenseHead.Layer(
                        java.util.Arrays.copyOf(head.layers().get(0).weights(), 5),
                        head.layers().get(0).bias())),
                5,
                0);
        float[] x = validation.x.get(0);
        assertThat(head.probabilities(x, uniform)[1]).isCloseTo(embeddingPart.probabilities(x, null)[1], within(1e-6f));
    }

    @Test
    void crossFittedValidation_ofAFold_doesNotDependOnThatFoldsOwnLabels() {
        Data train = data(300, 5, 1.5);
        Data validation = data(200, 5, 1.5);
        List<float[]> gate = gate(validation.y, 0.9);
        int[] flipped = validation.y.clone();
        for (int i = 0; i < flipped.length; i += HeadTrainer.CROSS_FIT_FOLDS) {
            flipped[i] = 1 - flipped[i]; // fold 0's labels only
        }

        List<float[]> honest = HeadTrainer.train(train.x, train.y, validation.x, validation.y, gate, 2)
                .crossFittedValidation();
        List<float[]> withFlippedFold = HeadTrainer.train(train.x, train.y, validation.x, flipped, gate, 2)
                .crossFittedValidation();

        assertThat(honest).hasSize(validation.x.size());
        for (int i = 0; i < flipped.length; i += HeadTrainer.CROSS_FIT_FOLDS) {
            assertThat(withFlippedFold.get(i))
                    .as("item %d of the changed fold", i)
                    .containsExactly(honest.get(i));
        }
        // ... while the other folds' heads learnt from the flipped labels
        boolean anyOtherChanged = false;
        for (int i = 1; i < flipped.length; i++) {
            if (i % HeadTrainer.CROSS_FIT_FOLDS != 0
                    && !java.util.Arrays.equals(withFlippedFold.get(i), honest.get(i))) {
                anyOtherChanged = true;
            }
        }
        assertThat(anyOtherChanged).isTrue();
    }

    @Test
    void train_whenGateIsInformative_beatsEmbeddingOnlyOnValidation() {
        Data train = data(300, 5, 1.5);
        Data validation = data(300, 5, 1.5);
        List<float[]> gate = gate(validation.y, 0.9);

        HeadTrainer.Result result = HeadTrainer.train(train.x, train.y, validation.x, validation.y, gate, 2);
        List<float[]> predicted = new ArrayList<>();
        for (int i = 0; i < validation.x.size(); i++) {
            predicted.add(result.head().probabilities(validation.x.get(i), gate.get(i)));
        }

        assertThat(ClassificationScores.macroF1(predicted, validation.y, 2))
                .isGreaterThan(result.embeddingOnlyValidationMacroF1() + 0.02);
    }

    private record Data(List<float[]> x, int[] y) {}

    /** Two Gaussian classes, means ±1 on the first axis, plus label noise in feature space. */
    private Data data(int n, int dimension, double noise) {
        List<float[]> x = new ArrayList<>();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3 == 0 ? 1 : 0;
            float[] row = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                row[d] = (float) ((noise + 0.3) * random.nextGaussian());
            }
            row[0] += y[i] == 1 ? 1 : -1;
            x.add(row);
        }
        return new Data(x, y);
    }

    /** A gate that is right with probability {@code accuracy} and confident when right. */
    private List<float[]> gate(int[] y, double accuracy) {
        List<float[]> gate = new ArrayList<>();
        for (int label : y) {
            boolean right = random.nextDouble() < accuracy;
            float p = (float) (0.6 + 0.39 * random.nextDouble());
            float spam = (label == 1) == right ? p : 1 - p;
            gate.add(new float[] {1 - spam, spam});
        }
        return gate;
    }
}
