package dev.sieve.models.expert.experiment;

import dev.sieve.models.expert.ExpertTrainer;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.shared.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Trains the default expert on the experiment splits with the stand-in gate and writes a bundle:
 * {@code TrainBundle <dataDir> <bundleDir>}. Prints the expert metadata as one JSON line.
 */
public final class TrainBundle {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path bundleDir = Path.of(args[1]);
        List<String> labels = List.of("ham", "spam");
        List<LabeledText> train = Splits.read(data.resolve("train.jsonl"));
        List<LabeledText> validation = Splits.read(data.resolve("validation.jsonl"));
        StandInGate gate = StandInGate.train(train, "spam");
        ExpertTrainer.TrainedExpert expert = ExpertTrainer.create(
                        ExpertTrainer.Options.defaults().withProgress(ProgressListener.stderrBar()))
                .train(
                        train,
                        gate.probabilities(train, labels),
                        validation,
                        gate.probabilities(validation, labels),
                        labels,
                        bundleDir);
        ModelBundle.write(bundleDir, labels, expert.components(), expert.spec(), Map.of("expert", expert.metadata()));
        System.out.println(Json.mapper().writeValueAsString(expert.metadata()));
    }
}
