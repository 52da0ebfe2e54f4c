package dev.sieve.shared.corpus;

import java.util.Objects;

/**
 * One labeled example.
 *
 * @param id stable identifier, unique within a dataset
 * @param text the text to classify (already decoded, whitespace-normalized)
 * @param label the class label
 */
public record LabeledText(String id, String text, String label) {
    public LabeledText {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
    }
}
