package dev.sieve.cli.bench;

import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.gate.service.LoadedGate;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A ham/spam gate whose spam probability is a function of the text, with both thresholds at 0.9: a
 * text scored 0.5 is escalated, one scored 0.01 or 0.99 is answered by the gate. For benches and tests
 * that need the real gate service and queues without a trained model.
 */
public final class SyntheticGate {
    private static final List<String> LABELS = List.of("ham", "spam");

    private SyntheticGate() {}

    public static LoadedGate of(String version, ToDoubleFunction<String> spamProbability) {
        GateScorer scorer = new GateScorer() {
            @Override
            public List<String> labels() {
                return LABELS;
            }

            @Override
            public void score(CharSequence text, float[] probabilities) {
                float spam = (float) spamProbability.applyAsDouble(text.toString());
                probabilities[0] = 1f - spam;
                probabilities[1] = spam;
            }
        };
        return new LoadedGate(scorer, new GateThresholds(LABELS, Map.of("ham", 0.9, "spam", 0.9), Map.of()), version);
    }

    /** Escalates every text. */
    public static LoadedGate escalatingAll(String version) {
        return of(version, text -> 0.5);
    }

    /** Answers a text with "free" in it as spam, any other as ham, each at 0.98 (nothing is escalated). */
    public static LoadedGate confident(String version) {
        return of(version, text -> text.contains("free") ? 0.98 : 0.02);
    }
}
