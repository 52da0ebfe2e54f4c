package dev.sieve.worker;

import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.testing.FakeExpert;
import java.util.ArrayList;
import java.util.List;

/** The expert and texts the integration tests use. */
final class TestExperts {
    static final String VERSION = "test-bundle";

    private TestExperts() {}

    static Expert open() {
        return new FakeExpert(64, 20);
    }

    /** Deterministic texts of varied length. */
    static List<String> texts(int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder("Subject: offer " + i);
            for (int w = 0; w < 5 + (i * 7) % 40; w++) {
                text.append(" word").append((i + w) % 13);
            }
            texts.add(text.toString());
        }
        return texts;
    }
}
