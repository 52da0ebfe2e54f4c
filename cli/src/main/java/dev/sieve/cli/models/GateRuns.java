package dev.sieve.cli.models;

import dev.sieve.gate.model.GateScorer;
import dev.sieve.shared.corpus.LabeledText;
import java.util.List;

/** Small helpers shared by the model commands. */
final class GateRuns {
    private GateRuns() {}

    static float[][] score(GateScorer gate, List<LabeledText> examples) {
        float[][] probabilities = new float[examples.size()][];
        for (int i = 0; i < examples.size(); i++) {
            probabilities[i] = gate.score(examples.get(i).text());
        }
        return probabilities;
    }

    /** Label index of every example; an unknown label is an error naming the example. */
    static int[] truth(List<LabeledText> examples, List<String> labels) {
        int[] truth = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            LabeledText example = examples.get(i);
            truth[i] = labels.indexOf(example.label());
            if (truth[i] < 0) {
                throw new UserInputException("example '" + example.id() + "' has label '" + example.label()
                        + "', which the bundle does not know (it knows " + labels + ")");
            }
        }
        return truth;
    }

    static List<String> texts(List<LabeledText> examples) {
        return examples.stream().map(LabeledText::text).toList();
    }
}
