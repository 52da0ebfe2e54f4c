package dev.sieve.e2e;

import dev.sieve.cli.local.LocalModels;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small real bundle (gate + expert) trained once on a generated spam/ham dataset and cached under
 * {@code target/tiny-bundle}: training takes seconds, and the thresholds escalate enough items to
 * exercise the expert.
 */
final class TinyBundle {
    private static final String[] SPAM = {
        "win", "free", "prize", "click", "offer", "cash", "viagra", "winner", "urgent", "credit", "loan", "cheap"
    };
    private static final String[] HAM = {
        "meeting",
        "project",
        "lunch",
        "report",
        "schedule",
        "thanks",
        "review",
        "draft",
        "team",
        "notes",
        "call",
        "code"
    };
    private static final String[] SHARED = {"today", "please", "the", "your", "account", "update", "now", "new"};

    private static Path bundle;

    private TinyBundle() {}

    static synchronized Path get() {
        if (bundle != null) {
            return bundle;
        }
        Path dir = Path.of("target", "tiny-bundle").toAbsolutePath();
        if (!Files.exists(dir.resolve("manifest.json"))) {
            try {
                Files.createDirectories(dir.getParent());
                Path data = dir.getParent().resolve("tiny-data.jsonl");
                Files.write(data, examples(400, 7));
                LocalModels.train(data, dir, 0.3);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        bundle = dir;
        return dir;
    }

    /** Generated labeled lines: mostly clear-cut, some mixed (so some items are uncertain). */
    static List<String> examples(int count, long seed) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean spam = random.nextBoolean();
            lines.add(Json.write(Map.of("id", "t" + i, "text", text(random, spam), "label", spam ? "spam" : "ham")));
        }
        return lines;
    }

    static String text(Random random, boolean spam) {
        StringBuilder text = new StringBuilder();
        int words = 6 + random.nextInt(10);
        double own = 0.35 + random.nextDouble() * 0.5;
        for (int w = 0; w < words; w++) {
            double r = random.nextDouble();
            String[] pool = r < own ? (spam ? SPAM : HAM) : r < own + 0.2 ? (spam ? HAM : SPAM) : SHARED;
            text.append(pool[random.nextInt(pool.length)]).append(' ');
        }
        return text.toString().trim();
    }
}
