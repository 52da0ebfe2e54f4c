package dev.sieve.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.gate.model.GateThresholds;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibratorTest {
    private static final List<String> LABELS = List.of("ham", "spam");
    // spam probability per item; the top-class probabilities sorted are
    // .55 .60 .70 .80 .90 .90 .95 .95 .98 .99
    private static final float[] SPAM = {0.99f, 0.95f, 0.9f, 0.8f, 0.6f, 0.45f, 0.3f, 0.1f, 0.05f, 0.02f};
    // items 0-5 are spam (the gate misses item 5), 6-9 ham
    private static final int[] TRUTH = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};

    private static float[][] probabilities() {
        float[][] probabilities = new float[SPAM.length][];
        for (int i = 0; i < SPAM.length; i++) {
            probabilities[i] = new float[] {1 - SPAM[i], SPAM[i]};
        }
        return probabilities;
    }

    private static Calibrator.Validation validation(int[] expert) {
        return new Calibrator.Validation(LABELS, TRUTH, probabilities(), expert, Headline.of(LABELS, "spam"));
    }

    @Test
    void forExpertRate_whenTwentyPercent_cutsAtTheThirdLowestTopProbability() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.2);

        assertThat(thresholds.thresholds().get("ham")).isCloseTo(0.7, within(1e-6));
        assertThat(thresholds.thresholds().get("spam")).isCloseTo(0.7, within(1e-6));
        assertThat((double) thresholds.calibration().get("validation_expert_fraction"))
                .isEqualTo(0.2);
    }

    @Test
    void forExpertRate_whenRateFallsBetweenItems_roundsDown() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.25);

        assertThat(thresholds.thresholds().get("spam")).isCloseTo(0.7, within(1e-6));
    }

    @Test
    void forExpertRate_whenTopProbabilitiesTieAtTheCut_escalatesFewerNotMore() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.5);

        assertThat(thresholds.thresholds().get("spam")).isCloseTo(0.9, within(1e-6));
        assertThat((double) thresholds.calibration().get("validation_expert_fraction"))
                .isEqualTo(0.4);
    }

    @Test
    void forExpertRate_whenZero_escalatesNothing() {
        GateThresholds thresholds = Calibrator.forExpertRate(validation(null), 0.0);

        assertThat(thresholds.thresholds().get("spam")).isZero();
    }

    @Test
    void forTarget_whenExpertIsRight_escalatesOnlyTheGatesMiss() {
        GateThresholds thresholds = Calibrator.forTarget(validation(TRUTH.clone()), Calibrator.Target.F1, 1.0);

        assertThat(thresholds.thresholds().get("spam")).isCloseTo(0.6, within(1e-6));
        assertThat(thresholds.calibration())
                .containsEntry("target_reached", true)
                .containsEntry("validation_expert_fraction", 0.1)
                .containsEntry("validation_f1_blended", 1.0);
    }

    @Test
    void forTarget_whenUnreachableWithoutExpert_keepsTheBestCutAndSaysSo() {
        GateThresholds thresholds = Calibrator.forTarget(validation(null), Calibrator.Target.F1, 0.95);

        assertThat(thresholds.calibration()).containsEntry("target_reached", false);
        assertThat((double) thresholds.calibration().get("validation_f1_blended"))
                .isCloseTo(10.0 / 11.0, within(1e-9));
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
