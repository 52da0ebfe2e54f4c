package dev.sieve.gate.service;

import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import java.util.Objects;

/**
 * The gate model of one bundle version: scorer, calibrated thresholds and the version stamped on every
 * queue message.
 */
public record LoadedGate(GateScorer scorer, GateThresholds thresholds, String bundleVersion) implements GateProvider {
    public LoadedGate {
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(bundleVersion, "bundleVersion");
        if (!scorer.labels().equals(thresholds.labels())) {
            throw new IllegalArgumentException(
                    "scorer labels " + scorer.labels() + " differ from threshold labels " + thresholds.labels());
        }
    }

    /** A gate loaded up front is its own provider. */
    @Override
    public LoadedGate current() {
        return this;
    }

    /** Scores one text: the gate's answer, its confidence, and whether it may answer alone. */
    public Verdict judge(CharSequence text) {
        float[] probabilities = scorer.score(text);
        int top = GateThresholds.argmax(probabilities);
        return new Verdict(
                scorer.labels().get(top),
                top,
                probabilities[top],
                thresholds.isConfident(probabilities),
                probabilities);
    }

    /** The gate's verdict on one item; {@code labelIndex} is {@code label}'s position in the labels. */
    public record Verdict(String label, int labelIndex, double confidence, boolean confident, float[] probabilities) {}
}
