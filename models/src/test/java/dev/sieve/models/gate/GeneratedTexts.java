package dev.sieve.models.gate;

import dev.sieve.shared.corpus.LabeledText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated multi-class data: each class has its own vocabulary plus shared filler words. */
final class GeneratedTexts {
    private static final String[] SHARED = {"the", "and", "today", "really", "very", "some", "news", "about"};
    private static final String[][] CLASS_WORDS = {
        {"goal", "match", "team", "score", "league", "coach", "referee", "stadium", "penalty", "striker"},
        {"server", "kernel", "compile", "java", "database", "network", "cloud", "latency", "cache", "thread"},
        {"recipe", "garlic", "oven", "butter", "flour", "simmer", "spicy", "dinner", "sauce", "bake"}
    };
    static final List<String> LABELS = List.of("food", "sports", "tech");
    private static final String[] LABEL_OF_CLASS = {"sports", "tech", "food"};

    private GeneratedTexts() {}

    static List<LabeledText> generate(int perClass, long seed) {
        Random random = new Random(seed);
        List<LabeledText> examples = new ArrayList<>();
        for (int c = 0; c < CLASS_WORDS.length; c++) {
            for (int i = 0; i < perClass; i++) {
                StringBuilder text = new StringBuilder();
                for (int w = 0; w < 10; w++) {
                    // Mostly own words, some from another class, so the classes overlap a little.
                    String[] vocabulary = random.nextDouble() < 0.25
                            ? CLASS_WORDS[random.nextInt(CLASS_WORDS.length)]
                            : random.nextDouble() < 0.3 ? SHARED : CLASS_WORDS[c];
                    text.append(vocabulary[random.nextInt(vocabulary.length)]).append(' ');
                }
                examples.add(new LabeledText(seed + "-" + c + "-" + i, text.toString(), LABEL_OF_CLASS[c]));
            }
        }
        return examples;
    }
}
