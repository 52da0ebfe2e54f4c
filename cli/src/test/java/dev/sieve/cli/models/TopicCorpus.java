package dev.sieve.cli.models;

import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small labeled JSON Lines corpus for the model commands' tests: three topics (sports, tech, food),
 * each text eight words, 80 % from its own topic's vocabulary and 20 % from any topic's.
 */
public final class TopicCorpus {
    public static final List<String> LABELS = List.of("sports", "tech", "food");

    private static final String[][] WORDS = {
        {"goal", "match", "team", "score", "league", "coach", "referee", "stadium"},
        {"server", "kernel", "compile", "java", "database", "network", "cloud", "latency"},
        {"recipe", "garlic", "oven", "butter", "flour", "simmer", "spicy", "dinner"}
    };

    private TopicCorpus() {}

    /** Writes {@code perClass} texts per topic to {@code file} (seeded) and returns it. */
    public static Path write(Path file, int perClass, long seed) throws IOException {
        return write(file, perClass, seed, 0.2);
    }

    /** As {@link #write(Path, int, long)}, with a share {@code mixed} of each text's words from any topic. */
    public static Path write(Path file, int perClass, long seed, double mixed) throws IOException {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int c = 0; c < WORDS.length; c++) {
            for (int i = 0; i < perClass; i++) {
                StringBuilder text = new StringBuilder();
                for (int w = 0; w < 8; w++) {
                    String[] vocabulary = random.nextDouble() < mixed ? WORDS[random.nextInt(WORDS.length)] : WORDS[c];
                    text.append(vocabulary[random.nextInt(vocabulary.length)]).append(' ');
                }
                String label = LABELS.get(c);
                lines.add(Json.write(Map.of("id", label + "-" + i, "text", text.toString(), "label", label)));
            }
        }
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
