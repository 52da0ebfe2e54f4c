package dev.sieve.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.gate.model.GateThresholds;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibratorTest {
    private static final List<String> LABELS = List.of("ham", "spam");
    // spam probability per item; the top-class probabilities sorted are
    // .55 (ham) .60 .70 (ham) .80 .90 .90 (ham) .95 .95 (ham) .98 (ham) .99
    private static final float[] SPAM = {0.99f, 0.95f, 0.9f, 0.8f, 0.6f, 0.45f, 0.3f, 0.1f, 0.05f, 0.02f};
    // items 0-5 are spam (the gate misses item 5), 6-9 ham
    private static final int[] TRUTH = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};

    private static float[][] probabilities() {
        return FrontierTest.binary(SPAM);
    }

    private static Calibrator.Validation validation(int[] expert) {
        return new Calibrator.Validation(LABELS, TRUTH, probabilities(), expert, Headline.of(LABELS, "spam"));
    }

    /**
     * {@code n} binary items, a third spam; the gate's top probability is spread over (0.5, 1) and it is
     * wrong exactly on the {@code gateErrors} least confident items; the expert is right on those and
     * wrong on every {@code expertErrorEvery}-th of the rest (0: never).
     */
    private static Calibrator.Validation lowConfidenceErrors(int n, int gateErrors, int expertErrorEvery) {
        int[] truth = new int[n];
        int[] expert = new int[n];
        float[][] probabilities = new float[n][];
        Random random = new Random(5);
        for (int i = 0; i < n; i++) {
            truth[i] = i % 3 == 0 ? 1 : 0;
            float top = 0.5f + 0.5f * (i + 1) / (n + 1);
            boolean gateWrong = i < gateErrors;
            int gatePredicted = gateWrong ? 1 - truth[i] : truth[i];
            probabilities[i] = gatePredicted == 1 ? new float[] {1 - top, top} : new float[] {top, 1 - top};
            boolean expertWrong = !gateWrong && expertErrorEvery > 0 && random.nextInt(expertErrorEvery) == 0;
            expert[i] = expertWrong ? 1 - truth[i] : truth[i];
        }
        return new Calibrator.Validation(LABELS, truth, probabilities, expert, Headline.of(LABELS, "spam"));
    }

    @Test
    void forExpertRate_whenNoExpert_routesUpToTheCapLeastConfidentFirst() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.2);

        // .55 (ham) and .60 (spam) are routed; each threshold sits midway to its class's next score.
        assertThat(thresholds.thresholds().get("ham")).isCloseTo(0.625, within(1e-6));
        assertThat(thresholds.thresholds().get("spam")).isCloseTo(0.7, within(1e-6));
        assertThat((double) thresholds.calibration().get("validation_expert_fraction"))
                .isEqualTo(0.2);
    }

    @Test
    void forExpertRate_whenRateFallsBetweenItems_roundsDown() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.25);

        assertThat((double) thresholds.calibration().get("validation_expert_fraction"))
                .isEqualTo(0.2);
    }

    @Test
    void forExpertRate_whenZero_escalatesNothing() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.0);

        assertThat(thresholds.thresholds().values()).containsOnly(0.0);
    }

    @Test
    void forExpertRate_whenOutOfRange_namesTheSetting() {
        assertThatThrownBy(() -> Calibrator.forExpertRate(validation(null), 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expert rate");
    }

    @Test
    void forExpertRate_withExpert_isACapNotATarget() {
        Calibrator.Validation validation = lowConfidenceErrors(400, 40, 0);

        GateThresholds tight = Calibrator.forExpertRate(validation, 0.05);
        GateThresholds loose = Calibrator.forExpertRate(validation, 0.5);

        // Under a tight cap every routed item is a gate error fixed: the cap binds.
        assertThat((double) tight.calibration().get("validation_expert_fraction"))
                .isEqualTo(0.05);
        // A loose cap stops where the blend stops improving, far below the cap.
        assertThat((double) loose.calibration().get("validation_expert_fraction"))
                .isBetween(0.10, 0.12);
        assertThat((double) loose.calibration().get("validation_f1_blended")).isEqualTo(1.0);
    }

    @Test
    void forTarget_whenReachable_takesTheLeastRoutingThatReachesIt() {
        Calibrator.Validation validation = lowConfidenceErrors(400, 40, 0);

        GateThresholds thresholds = Calibrator.forTarget(validation, Calibrator.Target.F1, 0.97);

        assertThat(thresholds.calibration()).containsEntry("target_reached", true);
        double fraction = (double) thresholds.calibration().get("validation_expert_fraction");
        assertThat(fraction).isGreaterThan(0.0).isLessThan(0.10);
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isGreaterThanOrEqualTo(0.965);
    }

    @Test
    void forTarget_whenUnreachableWithoutExpert_keepsTheBestPointAndSaysSo() {
        GateThresholds thresholds = Calibrator.forTarget(validation(null), Calibrator.Target.F1, 0.95);

        assertThat(thresholds.calibration()).containsEntry("target_reached", false);
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isCloseTo(10.0 / 11.0, within(1e-9));
    }

    @Test
    void forCorrections_whenOneClassClearlyDiffers_givesItItsOwnCut() {
        // 100 ham predictions: the 10 least confident are spam the gate missed, the expert catches 8 of them.
        // 100 spam predictions with the same scores: the 10 least confident are right, the expert breaks 6.
        int n = 200;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        int[] expert = new int[n];
        for (int i = 0; i < 100; i++) {
            float p = 0.6f + 0.004f * i;
            probabilities[i] = new float[] {p, 1 - p};
            truth[i] = i < 10 ? 1 : 0;
            expert[i] = i < 8 ? 1 : 0;
            probabilities[100 + i] = new float[] {1 - p, p};
            truth[100 + i] = 1;
            expert[100 + i] = i < 6 ? 0 : 1;
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(LABELS, truth, probabilities, expert, Headline.of(LABELS, "spam"));

        GateThresholds thresholds = Calibrator.forCorrections(validation);

        // shared walk: net +2 after the 8 least confident score pairs; ham keeps that cut (it is its own best,
        // net +8); spam departs to routing nothing (net 0 against -6 at the shared cut, 6 > 2 sqrt(6)).
        assertThat(thresholds.thresholds().get("ham")).isCloseTo(0.6 + 0.004 * 7.5, within(1e-6));
        assertThat(thresholds.thresholds().get("spam")).isEqualTo(0.0);
        assertThat((double) thresholds.calibration().get(GateThresholds.CALIBRATED_ROUTING_RATE))
                .isEqualTo(8.0 / 200);
        assertThat(thresholds.calibration()).containsEntry("method", "shared_net_corrections");
        assertThat(thresholds.calibratedRoutingRate("ham")).hasValue(0.08);
        assertThat(thresholds.calibratedRoutingRate("spam")).hasValue(0.0);
    }

    @Test
    void forCorrections_whenAClassDiffersWithinNoise_keepsTheSharedCut() {
        // As above, but the expert breaks only 3 of the spam predictions: 3 < 2 sqrt(3), so spam is not
        // treated apart, and both classes share the cut after the 8 least confident pairs (net +5).
        int n = 200;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        int[] expert = new int[n];
        for (int i = 0; i < 100; i++) {
            float p = 0.6f + 0.004f * i;
            probabilities[i] = new float[] {p, 1 - p};
            truth[i] = i < 10 ? 1 : 0;
            expert[i] = i < 8 ? 1 : 0;
            probabilities[100 + i] = new float[] {1 - p, p};
            truth[100 + i] = 1;
            expert[100 + i] = i < 3 ? 0 : 1;
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(LABELS, truth, probabilities, expert, Headline.of(LABELS, "spam"));

        GateThresholds thresholds = Calibrator.forCorrections(validation);

        assertThat(thresholds.thresholds().get("spam"))
                .isEqualTo(thresholds.thresholds().get("ham"));
        assertThat((double) thresholds.calibration().get("shared_threshold"))
                .isCloseTo(0.6 + 0.004 * 7.5, within(1e-6));
        assertThat((double) thresholds.calibration().get(GateThresholds.CALIBRATED_ROUTING_RATE))
                .isEqualTo(16.0 / 200);
    }

    @Test
    void forCorrections_whenAClassOwnCutRoutesMore_extendsTheSharedCut() {
        // ham predictions at 0.600 + 0.001 i: the expert fixes i < 10, then breaks 10 <= i < 20 (own best: 10).
        // spam predictions, all more confident, at 0.700 + 0.001 i: the expert fixes i < 5 (own best: 5).
        // The shared walk (all ham first) peaks at +10 after 10 items, before any spam prediction.
        int n = 200;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        int[] expert = new int[n];
        for (int i = 0; i < 100; i++) {
            float ham = 0.6f + 0.001f * i;
            probabilities[i] = new float[] {ham, 1 - ham};
            truth[i] = i < 10 ? 1 : 0;
            expert[i] = i < 20 ? 1 : 0;
            float spam = 0.7f + 0.001f * i;
            probabilities[100 + i] = new float[] {1 - spam, spam};
            truth[100 + i] = i < 5 ? 0 : 1;
            expert[100 + i] = truth[100 + i];
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(LABELS, truth, probabilities, expert, Headline.of(LABELS, "spam"));

        GateThresholds thresholds = Calibrator.forCorrections(validation);

        assertThat((double) thresholds.calibration().get("shared_threshold")).isCloseTo(0.6095, within(1e-6));
        assertThat(thresholds.thresholds().get("ham")).isCloseTo(0.6095, within(1e-6));
        assertThat(thresholds.thresholds().get("spam")).isCloseTo(0.7045, within(1e-6));
        assertThat((double) thresholds.calibration().get(GateThresholds.CALIBRATED_ROUTING_RATE))
                .isEqualTo(15.0 / 200);
    }

    @Test
    void forCorrections_whenEveryScoreTies_routesTheWholeTieWhenItHelps() {
        int n = 50;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            probabilities[i] = new float[] {0.5f, 0.5f};
            truth[i] = i % 5 == 0 ? 1 : 0;
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(LABELS, truth, probabilities, truth.clone(), Headline.of(LABELS, "spam"));

        GateThresholds thresholds = Calibrator.forCorrections(validation);

        assertThat((double) thresholds.calibration().get(GateThresholds.CALIBRATED_ROUTING_RATE))
                .isEqualTo(1.0);
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isEqualTo(1.0);
    }

    @Test
    void forBestBlend_whenEveryScoreTies_routesEverythingRatherThanNothing() {
        int n = 50;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            probabilities[i] = new float[] {0.5f, 0.5f};
            truth[i] = i % 5 == 0 ? 1 : 0;
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(LABELS, truth, probabilities, truth.clone(), Headline.of(LABELS, "spam"));

        GateThresholds thresholds = Calibrator.forBestBlend(validation);

        assertThat((double) thresholds.calibration().get("validation_expert_fraction"))
                .isEqualTo(1.0);
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isEqualTo(1.0);
    }

    @Test
    void forBestBlend_whenTheGateBeatsTheExpert_stillRoutesTheGatesDoubtfulItems() {
        // The gate is wrong on 5 % (its least confident items), the expert on about 10 % of the others.
        Calibrator.Validation validation = lowConfidenceErrors(600, 30, 10);
        Frontier frontier = validation.frontier();
        assertThat(frontier.gateOnlyF1()).isGreaterThan(frontier.expertOnlyF1());

        GateThresholds thresholds = Calibrator.forBestBlend(validation);

        double fraction = (double) thresholds.calibration().get("validation_expert_fraction");
        assertThat(fraction).isBetween(0.05, 0.07);
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isGreaterThan(frontier.gateOnlyF1());
        assertThat(thresholds.calibration()).containsEntry("method", "best_blend");
    }

    @Test
    void forBestBlend_whenOneClassIsEasyAndAnotherHard_givesThemDifferentThresholds() {
        // 3 classes, macro-F1: the gate is right on every "easy" prediction, wrong on "hard" predictions below
        // 0.8 (those items are "other"), and the expert is right everywhere.
        List<String> labels = List.of("easy", "hard", "other");
        int n = 600;
        float[][] probabilities = new float[n][];
        int[] truth = new int[n];
        Random random = new Random(9);
        for (int i = 0; i < n; i++) {
            float top = 0.55f + 0.45f * random.nextFloat();
            int predicted = i % 2;
            probabilities[i] = new float[3];
            probabilities[i][predicted] = top;
            probabilities[i][2] = 1 - top;
            truth[i] = predicted == 1 && top < 0.8f ? 2 : predicted;
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(labels, truth, probabilities, truth.clone(), Headline.of(labels, "spam"));

        GateThresholds thresholds = Calibrator.forBestBlend(validation);

        assertThat(thresholds.calibration()).containsEntry("f1_kind", "macro");
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isEqualTo(1.0);
        assertThat(thresholds.thresholds().get("hard")).isBetween(0.79, 0.82);
        assertThat(thresholds.thresholds().get("easy")).isLessThan(0.6);
    }

    @Test
    void smoothed_averagesOverTheWindowOfRoutedItems() {
        Frontier frontier = validation(TRUTH.clone()).frontier();

        double[] raw = Calibrator.smoothed(frontier, Calibrator.Target.F1, 0);
        double[] smoothed = Calibrator.smoothed(frontier, Calibrator.Target.F1, 1);

        for (int i = 0; i < frontier.size(); i++) {
            assertThat(raw[i]).isCloseTo(frontier.f1(i), within(1e-12));
        }
        // Point 0 averages itself and point 1 (one routed item away).
        assertThat(smoothed[0]).isCloseTo((frontier.f1(0) + frontier.f1(1)) / 2, within(1e-12));
    }

    @Test
    void cascade_whenItemIsBelowItsThreshold_usesTheExpertAnswer() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.1);
        int[] expert = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};

        Cascade.Outcome outcome = Cascade.run(thresholds, probabilities(), expert);

        assertThat(outcome.escalated())
                .containsExactly(false, false, false, false, false, true, false, false, false, false);
        assertThat(outcome.predictions()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    }

    @Test
    void report_whenBinary_computesPerClassScoresAndMacroAverages() {
        int[] predicted = {1, 1, 1, 1, 1, 0, 0, 0, 0, 1};

        ClassificationReport report = ClassificationReport.of(LABELS, TRUTH, predicted);

        // spam: TP 5, FP 1, FN 1; ham: TP 3, FP 1, FN 1
        assertThat(report.perClass().get("spam").precision()).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(report.perClass().get("spam").recall()).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(report.perClass().get("ham").f1()).isCloseTo(0.75, within(1e-12));
        assertThat(report.macroF1()).isCloseTo((5.0 / 6 + 0.75) / 2, within(1e-12));
        assertThat(report.accuracy()).isEqualTo(0.8);
        assertThat(Headline.of(LABELS, "spam").f1(report)).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(Headline.of(List.of("a", "b", "c"), "spam").kind()).isEqualTo("macro");
    }
}
