package dev.sieve.models.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.gate.model.FeatureMode;
import dev.sieve.gate.model.GateModelException;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.gate.model.LinearGateModel;
import dev.sieve.shared.corpus.LabeledText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateTrainerTest {
    private static GateTrainer.TrainedGate gate;
    private static GateTrainer.TrainedGate charGate;
    private static List<LabeledText> heldOut;

    @BeforeAll
    static void train() {
        List<LabeledText> train = GeneratedTexts.generate(150, 1);
        heldOut = GeneratedTexts.generate(40, 2);
        gate = GateTrainer.create(new GateTrainer.Options(14, FeatureMode.WORDS, 5, 1.0, 42L))
                .train(train, null);
        charGate = GateTrainer.create(new GateTrainer.Options(14, FeatureMode.BOTH, 5, 1.0, 42L))
                .train(train, null);
    }

    @Test
    void train_whenBothModes_learnsAGateThatReproducesTribuoAndKeepsItsModeOnDisk(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("gate.bin");
        charGate.model().save(file);
        LinearGateModel loaded = LinearGateModel.load(file);

        assertThat(loaded.featurizer().mode()).isEqualTo(FeatureMode.BOTH);
        long correct = 0;
        for (LabeledText example : heldOut) {
            float[] lean = loaded.score(example.text());
            float[] tribuo = GateTrainer.tribuoProbabilities(charGate, example.text());
            for (int k = 0; k < lean.length; k++) {
                assertThat(lean[k]).as(example.id()).isCloseTo(tribuo[k], within(1e-5f));
            }
            if (loaded.labels().get(GateThresholds.argmax(lean)).equals(example.label())) {
                correct++;
            }
        }
        assertThat((double) correct / heldOut.size()).isGreaterThan(0.85);
    }

    @Test
    void prepare_thenTrainWithAnotherMode_refuses() {
        GateTrainer.TrainingSet set = GateTrainer.create(new GateTrainer.Options(10, FeatureMode.CHARS, 1, 1.0, 1L))
                .prepare(GeneratedTexts.generate(5, 3), null);

        assertThatThrownBy(() -> GateTrainer.create(new GateTrainer.Options(10, FeatureMode.WORDS, 1, 1.0, 1L))
                        .train(set))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mode CHARS");
    }

    @Test
    void train_whenThreeClasses_learnsAMultiClassGateThatMostlyAgreesWithTheTruth() {
        assertThat(gate.model().labels()).containsExactlyElementsOf(GeneratedTexts.LABELS);
        long correct = heldOut.stream()
                .filter(e -> gate.model()
                        .labels()
                        .get(GateThresholds.argmax(gate.model().score(e.text())))
                        .equals(e.label()))
                .count();
        assertThat((double) correct / heldOut.size()).isGreaterThan(0.85);
    }

    @Test
    void score_onHeldOutTexts_reproducesTribuoProbabilities() {
        for (LabeledText example : heldOut) {
            float[] lean = gate.model().score(example.text());
            float[] tribuo = GateTrainer.tribuoProbabilities(gate, example.text());
            for (int k = 0; k < lean.length; k++) {
                assertThat(lean[k]).as(example.id()).isCloseTo(tribuo[k], within(1e-5f));
            }
        }
    }

    @Test
    void score_always_givesAProbabilityDistribution() {
        for (String text : List.of("", "goal goal goal", "x".repeat(200_000), "\uD83D\uDE00 emoji only")) {
            float[] probabilities = gate.model().score(text);
            double sum = 0;
            for (float p : probabilities) {
                assertThat(p).isBetween(0f, 1f);
                sum += p;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void score_onceWarm_allocatesNothingPerText() {
        assertScoringAllocatesNothing(gate.model());
    }

    @Test
    void score_whenBothModesOnceWarm_allocatesNothingPerText() {
        assertScoringAllocatesNothing(charGate.model());
    }

    private static void assertScoringAllocatesNothing(LinearGateModel model) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] probabilities = new float[model.labels().size()];
        for (int round = 0; round < 20; round++) {
            for (LabeledText example : heldOut) {
                model.score(example.text(), probabilities);
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 20; round++) {
            for (LabeledText example : heldOut) {
                model.score(example.text(), probabilities);
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // 2,400 texts scored; a single allocation per text would already exceed this bound.
        assertThat(allocated).isLessThan(2_000);
    }

    @Test
    void saveThenLoad_givesIdenticalProbabilities(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gate.bin");
        gate.model().save(file);

        LinearGateModel loaded = LinearGateModel.load(file);

        assertThat(loaded.labels()).isEqualTo(gate.model().labels());
        for (LabeledText example : heldOut) {
            assertThat(loaded.score(example.text()))
                    .containsExactly(gate.model().score(example.text()));
        }
    }

    @Test
    void load_whenFileIsNotAGateModel_failsWithAClearMessage(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("gate.bin"), "not a model");

        assertThatThrownBy(() -> LinearGateModel.load(file))
                .isInstanceOf(GateModelException.class)
                .hasMessageContaining("is not a gate model");
    }

    @Test
    void load_whenFileIsTruncated_saysSo(@TempDir Path dir) throws IOException {
        Path full = dir.resolve("full.bin");
        gate.model().save(full);
        byte[] bytes = Files.readAllBytes(full);
        Path truncated = Files.write(dir.resolve("gate.bin"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> LinearGateModel.load(truncated))
                .isInstanceOf(GateModelException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void train_whenALabelIsNotInTheGivenLabels_namesTheExampleAndLabel() {
        List<LabeledText> train =
                List.of(new LabeledText("x1", "hello there", "ham"), new LabeledText("x2", "buy now", "spma"));

        assertThatThrownBy(() -> GateTrainer.create(new GateTrainer.Options(10, FeatureMode.WORDS, 1, 1.0, 1L))
                        .train(train, List.of("ham", "spam")))
                .isInstanceOf(GateModelException.class)
                .hasMessageContaining("'x2'")
                .hasMessageContaining("'spma'");
    }

    @Test
    void train_whenSomeTextsHaveNoWordOfTwoLetters_trainsAndScoresThemByTheBiases() {
        List<LabeledText> train = new java.util.ArrayList<>(GeneratedTexts.generate(60, 4));
        train.add(new LabeledText("plus", "a+", train.get(0).label()));
        train.add(new LabeledText("bang", "!", train.get(1).label()));

        LinearGateModel model = GateTrainer.create(new GateTrainer.Options(10, FeatureMode.WORDS, 2, 1.0, 1L))
                .train(train, null)
                .model();

        float[] scores = model.score("a+").clone();
        double sum = 0;
        for (float score : scores) {
            sum += score;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-5));
        assertThat(model.score("!")).containsExactly(scores);
    }

    @Test
    void train_whenNoTextHasATerm_saysWhatTheModeSees() {
        List<LabeledText> train = List.of(new LabeledText("1", "a", "x"), new LabeledText("2", "!", "y"));

        assertThatThrownBy(() -> GateTrainer.create(new GateTrainer.Options(10, FeatureMode.WORDS, 1, 1.0, 1L))
                        .train(train, null))
                .isInstanceOf(GateModelException.class)
                .hasMessageContaining("no training text has a term in WORDS mode")
                .hasMessageContaining("2+ letters or digits");
    }

    @Test
    void train_whenOnlyOneLabel_refuses() {
        List<LabeledText> train = List.of(new LabeledText("x1", "hello there", "ham"));

        assertThatThrownBy(() -> GateTrainer.create(new GateTrainer.Options(10, FeatureMode.WORDS, 1, 1.0, 1L))
                        .train(train, null))
                .isInstanceOf(GateModelException.class)
                .hasMessageContaining("at least 2 labels");
    }
}
