package dev.sieve.cli.chaos;

import dev.sieve.cli.local.LocalDemo;
import dev.sieve.cli.local.LocalModels;
import dev.sieve.shared.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The base texts of a chaos workload: the bundle's recorded test split, or generated mail-like lines. */
final class ChaosTexts {
    private static final String[] WORDS = {
        "win",
        "free",
        "prize",
        "click",
        "offer",
        "cash",
        "meeting",
        "project",
        "lunch",
        "report",
        "schedule",
        "thanks",
        "review",
        "today",
        "please",
        "your",
        "account",
        "update",
        "now",
        "new"
    };

    private ChaosTexts() {}

    /** The test split's texts when the bundle records where it came from; generated ones otherwise. */
    static List<String> of(LocalModels models, ModelBundle bundle) {
        try {
            List<String> texts = models.testSplit(bundle).stream()
                    .map(LocalDemo.DemoItem::text)
                    .toList();
            if (!texts.isEmpty()) {
                return texts;
            }
        } catch (RuntimeException e) {
            // a bundle without a recoverable split (e.g. trained from a file since deleted)
        }
        return generated(500, 7);
    }

    static List<String> generated(int count, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            texts.add(text.toString().trim());
        }
        return texts;
    }
}
