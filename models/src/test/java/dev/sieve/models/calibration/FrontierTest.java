package dev.sieve.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.gate.model.GateThresholds;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontierTest {
    private static final List<String> BINARY = List.of("ham", "spam");

    @Test
    void trace_whenAllScoresTie_stillReachesRoutingEverythingInOneStep() {
        int n = 40;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            probabilities[i] = new float[] {0.5f, 0.5f};
            truth[i] = i % 2;
        }

        Frontier frontier = Frontier.trace(BINARY, truth, probabilities, truth.clone(), Headline.of(BINARY, "spam"));

        assertThat(frontier.size()).isEqualTo(2);
        assertThat(frontier.point(0).routed()).isZero();
        assertThat(frontier.point(1).routed()).isEqualTo(n);
        assertThat(frontier.point(1).f1()).isEqualTo(1.0);
        // The threshold sits above the tied score, so the tied items are routed together.
        assertThat(frontier.point(1).thresholds().get("ham")).isGreaterThan(0.5);
    }

    @Test
    void trace_whenScoresTie_movesTiedItemsTogether() {
        float[] spam = {0.9f, 0.8f, 0.8f, 0.8f, 0.7f, 0.6f};
        int[] truth = {1, 1, 1, 1, 1, 1};

        Frontier frontier = Frontier.trace(BINARY, truth, binary(spam), truth.clone(), Headline.of(BINARY, "spam"));

        assertThat(frontier.points().stream().map(Frontier.Point::routed)).containsExactly(0, 1, 2, 5, 6);
        Map<String, Double> three = frontier.point(2).thresholds();
        assertThat(three.get("spam")).isCloseTo(0.75, within(1e-6));
        assertThat(new GateThresholds(BINARY, frontier.point(3).thresholds(), Map.of())
                        .isConfident(new float[] {0.2f, 0.8f}))
                .isFalse();
    }

    @Test
    void trace_whenOneClassIsEasyAndAnotherHard_advancesOnlyTheHardClassFirst() {
        // Gate predicts "easy" right at every score; "hard" predictions below 0.8 are wrong and the expert
        // knows better.
        List<String> labels = List.of("easy", "hard", "other");
        Random random = new Random(7);
        int n = 300;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        int[] expert = new int[n];
        for (int i = 0; i < n; i++) {
            float top = 0.55f + 0.45f * random.nextFloat();
            int predicted = i % 2;
            probabilities[i] = new float[3];
            probabilities[i][predicted] = top;
            probabilities[i][2] = 1 - top;
            boolean gateWrong = predicted == 1 && top < 0.8f;
            truth[i] = gateWrong ? 2 : predicted;
            expert[i] = truth[i];
        }

        Frontier frontier = Frontier.trace(labels, truth, probabilities, expert, Headline.of(labels, "spam"));

        int best = 0;
        for (int i = 0; i < frontier.size(); i++) {
            if (frontier.f1(i) > frontier.f1(best)) {
                best = i;
            }
        }
        assertThat(frontier.f1(best)).isEqualTo(1.0);
        Map<String, Double> thresholds = frontier.thresholds(best);
        assertThat(thresholds.get("easy")).isZero();
        assertThat(thresholds.get("hard")).isBetween(0.75, 0.85);
    }

    @Test
    void trace_onRandomMultiClassData_matchesTheCascadeAndTheReportAtEveryPoint() {
        List<String> labels = List.of("a", "b", "c", "d");
        Random random = new Random(11);
        int n = 250;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        int[] expert = new int[n];
        for (int i = 0; i < n; i++) {
            float[] p = new float[4];
            float sum = 0;
            for (int k = 0; k < 4; k++) {
                // Coarse values so that ties occur.
                p[k] = 1 + random.nextInt(6);
                sum += p[k];
            }
            for (int k = 0; k < 4; k++) {
                p[k] /= sum;
            }
            probabilities[i] = p;
            truth[i] = random.nextInt(4);
            expert[i] = random.nextDouble() < 0.7 ? truth[i] : random.nextInt(4);
        }
        Headline macro = Headline.of(labels, null);

        Frontier frontier = Frontier.trace(labels, truth, probabilities, expert, macro);

        assertThat(frontier.point(frontier.size() - 1).routed()).isEqualTo(n);
        for (int i = 0; i < frontier.size(); i++) {
            GateThresholds thresholds = new GateThresholds(labels, frontier.thresholds(i), Map.of());
            Cascade.Outcome outcome = Cascade.run(thresholds, probabilities, expert);
            ClassificationReport report = ClassificationReport.of(labels, truth, outcome.predictions());
            assertThat(outcome.expertFraction()).isEqualTo(frontier.point(i).routingRate());
            assertThat(frontier.f1(i)).isCloseTo(report.macroF1(), within(1e-12));
            assertThat(frontier.precision(i)).isCloseTo(report.macroPrecision(), within(1e-12));
        }
        assertThat(frontier.gateOnlyF1())
                .isCloseTo(
                        ClassificationReport.of(labels, truth, Cascade.argmax(probabilities))
                                .macroF1(),
                        within(1e-12));
        assertThat(frontier.expertOnlyF1())
                .isCloseTo(ClassificationReport.of(labels, truth, expert).macroF1(), within(1e-12));
    }

    @Test
    void trace_whenTheGateScoresOne_cannotRouteThoseItems() {
        float[] spam = {1.0f, 0.9f};
        int[] truth = {1, 1};

        Frontier frontier = Frontier.trace(BINARY, truth, binary(spam), truth.clone(), Headline.of(BINARY, "spam"));

        assertThat(frontier.point(frontier.size() - 1).routed()).isEqualTo(1);
    }

    @Test
    void trace_whenExpertPredictionsAreShort_namesTheField() {
        assertThatThrownBy(() -> Frontier.trace(
                        BINARY,
                        new int[] {0, 1},
                        binary(new float[] {0.2f, 0.7f}),
                        new int[] {0},
                        Headline.of(BINARY, "spam")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expertPredictions");
    }

    static float[][] binary(float[] spam) {
        return Arrays.stream(toObjects(spam)).map(s -> new float[] {1 - s, s}).toArray(float[][]::new);
    }

    private static Float[] toObjects(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
