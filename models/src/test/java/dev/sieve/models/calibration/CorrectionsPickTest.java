package dev.sieve.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.gate.model.GateThresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The default pick against the one it replaced (one cut per class, each the class's own best prefix),
 * on synthetic splits drawn from a known process: calibrate on a small validation split, score on a
 * large test split from the same process.
 */
class CorrectionsPickTest {
    private static final List<String> LABELS = List.of("a", "b", "c", "d", "e", "f");

    /**
     * {@code n} items over six classes. The gate's top probability is uniform in (0.4, 1) and it is right
     * with exactly that probability; the expert is right with probability {@code expertAccuracy}
     * whatever the gate's score. Routing pays where the gate's score is below the expert's accuracy, the
     * same for every class: the right cut is shared.
     */
    private static Calibrator.Validation draw(int n, double expertAccuracy, Random random) {
        int classes = LABELS.size();
        int[] truth = new int[n];
        int[] expert = new int[n];
        float[][] probabilities = new float[n][];
        for (int i = 0; i < n; i++) {
            truth[i] = random.nextInt(classes);
            float top = 0.4f + 0.6f * random.nextFloat();
            int predicted = random.nextFloat() < top ? truth[i] : other(truth[i], classes, random);
            probabilities[i] = new float[classes];
            for (int k = 0; k < classes; k++) {
                probabilities[i][k] = k == predicted ? top : (1 - top) / (classes - 1);
            }
            expert[i] = random.nextDouble() < expertAccuracy ? truth[i] : other(truth[i], classes, random);
        }
        return new Calibrator.Validation(LABELS, truth, probabilities, expert, Headline.of(LABELS, null));
    }

    private static int other(int label, int classes, Random random) {
        return (label + 1 + random.nextInt(classes - 1)) % classes;
    }

    /** Blended macro-F1 on {@code test} less the better single tier's. */
    private static double vsBetterTier(Map<String, Double> cuts, Calibrator.Validation test) {
        int classes = LABELS.size();
        int[] truth = test.truth();
        int[] blended = Cascade.run(
                        new GateThresholds(LABELS, cuts, Map.of()), test.gateProbabilities(), test.expertPredictions())
                .predictions();
        double gate = Confusion.of(classes, truth, Cascade.argmax(test.gateProbabilities()))
                .macroF1();
        double expert = Confusion.of(classes, truth, test.expertPredictions()).macroF1();
        return Confusion.of(classes, truth, blended).macroF1() - Math.max(gate, expert);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> perClassCuts(GateThresholds thresholds) {
        Map<String, Object> byClass =
                (Map<String, Object>) thresholds.calibration().get("validation_corrections_by_class");
        Map<String, Double> cuts = new LinkedHashMap<>();
        byClass.forEach((label, facts) -> cuts.put(label, (Double) ((Map<String, Object>) facts).get("own_threshold")));
        return cuts;
    }

    @Test
    void forCorrections_whenTheRightCutIsShared_generalizesWherePerClassCutsOvershoot() {
        Random random = new Random(17);
        Calibrator.Validation test = draw(30_000, 0.85, random);
        List<Double> shared = new ArrayList<>();
        List<Double> perClass = new ArrayList<>();
        for (int trial = 0; trial < 40; trial++) {
            GateThresholds thresholds = Calibrator.forCorrections(draw(300, 0.85, random));
            shared.add(vsBetterTier(thresholds.thresholds(), test));
            perClass.add(vsBetterTier(perClassCuts(thresholds), test));
        }
        double sharedMean = shared.stream().mapToDouble(d -> d).average().orElseThrow();
        double perClassMean = perClass.stream().mapToDouble(d -> d).average().orElseThrow();
        long sharedFailures = shared.stream().filter(d -> d < -0.005).count();
        long perClassFailures = perClass.stream().filter(d -> d < -0.005).count();
        // measured (seed 17): the pick +0.0174 on average, never below -0.005; per class alone +0.0060, 7 of 40 below
        assertThat(sharedFailures).isZero();
        assertThat(perClassFailures).isGreaterThanOrEqualTo(3);
        assertThat(sharedMean).isGreaterThan(perClassMean + 0.005);
    }
}
