package dev.sieve.shared.corpus;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A train / validation / test split of labeled texts.
 *
 * @param train examples the models learn from
 * @param validation examples thresholds and hyper-parameters are chosen on
 * @param test held-out examples for the reported figures
 */
public record Dataset(List<LabeledText> train, List<LabeledText> validation, List<LabeledText> test) {
    public Dataset {
        train = List.copyOf(Objects.requireNonNull(train, "train"));
        validation = List.copyOf(Objects.requireNonNull(validation, "validation"));
        test = List.copyOf(Objects.requireNonNull(test, "test"));
    }

    /** Sorted distinct labels of the training split (the label order every model uses). */
    public List<String> labels() {
        TreeSet<String> labels = new TreeSet<>();
        train.forEach(example -> labels.add(example.label()));
        return List.copyOf(labels);
    }

    public int size() {
        return train.size() + validation.size() + test.size();
    }
}
