package dev.sieve.gate.it;

import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.gate.service.LoadedGate;
import java.util.List;
import java.util.Map;

/**
 * A deterministic gate for mechanics tests: "spam" → confident spam, "maybe" → uncertain (escalated),
 * anything else → confident ham.
 */
final class KeywordScorer implements GateScorer {
    static LoadedGate gate() {
        return new LoadedGate(
                new KeywordScorer(),
                new GateThresholds(List.of("ham", "spam"), Map.of("ham", 0.9, "spam", 0.9), Map.of()),
                "test-bundle-v1");
    }

    @Override
    public List<String> labels() {
        return List.of("ham", "spam");
    }

    @Override
    public void score(CharSequence text, float[] probabilities) {
        String s = text.toString();
        float spam = s.contains("maybe") ? 0.6f : s.contains("spam") ? 0.95f : 0.05f;
        probabilities[0] = 1 - spam;
        probabilities[1] = spam;
    }
}
