package dev.sieve.worker;

import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertTrainer;
import dev.sieve.worker.expert.OnnxExpert;
import dev.sieve.worker.expert.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real expert for the integration tests: a bundle trained once per JVM by {@link ExpertTrainer}
 * on small generated texts (MiniLM encoder, 64 tokens), opened with {@link OnnxExpert} on the CPU.
 */
final class TestExperts {
    private static final List<String> LABELS = List.of("ham", "spam");
    private static final Path ENCODER_CACHE = Path.of("target", "expert-it-cache");
    private static final String[] SPAM = {"free", "money", "offer", "click", "winner", "cash", "viagra", "prize"};
    private static final String[] HAM = {"meeting", "notes", "project", "lunch", "review", "schedule", "code"};

    private static ModelBundle bundle;

    private TestExperts() {}

    /** The test bundle, trained on first use. */
    static synchronized ModelBundle bundle() {
        if (bundle == null) {
            try {
                Path dir = Files.createTempDirectory("sieve-worker-it-bundle");
                List<LabeledText> train = labeled(40, "t");
                List<LabeledText> validation = labeled(20, "v");
                ExpertTrainer.TrainedExpert trained = ExpertTrainer.create(ExpertTrainer.Options.defaults()
                                .withTokens(64, 16)
                                .withCacheDir(ENCODER_CACHE)
                                .withThreads(1)
                                .withInt8(false)
                                .withProgress(ProgressListener.silent()))
                        .train(train, gate(train), validation, gate(validation), LABELS, dir);
                bundle = ModelBundle.write(dir, LABELS, trained.components(), Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundle;
    }

    static String version() {
        return bundle().version();
    }

    static Expert open() {
        return OnnxExpert.open(bundle(), OnnxExpert.Options.cpu(1));
    }

    /** Deterministic texts of varied length. */
    static List<String> texts(int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] words = i % 2 == 0 ? SPAM : HAM;
            StringBuilder text = new StringBuilder("Subject: note " + i);
            for (int w = 0; w < 5 + (i * 7) % 40; w++) {
                text.append(' ').append(words[(i + w) % words.length]);
            }
            texts.add(text.toString());
        }
        return texts;
    }

    private static List<LabeledText> labeled(int n, String prefix) {
        List<String> texts = texts(n);
        List<LabeledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LabeledText(prefix + i, texts.get(i), i % 2 == 0 ? "spam" : "ham"));
        }
        return out;
    }

    private static List<float[]> gate(List<LabeledText> items) {
        List<float[]> gate = new ArrayList<>();
        for (LabeledText item : items) {
            float spam = item.label().equals("spam") ? 0.65f : 0.35f;
            gate.add(new float[] {1 - spam, spam});
        }
        return gate;
    }
}
