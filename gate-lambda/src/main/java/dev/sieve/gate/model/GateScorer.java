package dev.sieve.gate.model;

import java.util.List;

/**
 * The gate's scoring function: text in, class probabilities out. Implementations are immutable and
 * thread-safe, and scoring allocates as little as possible: it runs on every item in the Lambda.
 */
public interface GateScorer {

    /** Class labels, in the order of the probability vector. */
    List<String> labels();

    /**
     * Fills {@code probabilities} (length {@code labels().size()}) with the class probabilities of
     * {@code text}.
     */
    void score(CharSequence text, float[] probabilities);

    /** Convenience form that allocates the result. */
    default float[] score(CharSequence text) {
        float[] probabilities = new float[labels().size()];
        score(text, probabilities);
        return probabilities;
    }
}
