package dev.sieve.worker;

import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.shared.bundle.ExpertSpec;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.OnnxExpert;
import dev.sieve.worker.testing.ClassifierGraphs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real expert for the integration tests: a standard-layout classifier (MiniLM encoder with a
 * nearest-centroid head fitted to small generated texts, output {@code logits}, no gate input), built
 * once per JVM by {@link ClassifierGraphs}, declared in the manifest as {@code ExpertSpec.logits(64, 16)}
 * and opened with {@link OnnxExpert} on the CPU, which applies softmax: the worker serves a Hugging Face
 * style export unchanged.
 */
final class TestExperts {
    private static final List<String> LABELS = List.of("ham", "spam");
    private static final Path ENCODER_CACHE = Path.of("target", "expert-it-cache");
    private static final String[] SPAM = {"free", "money", "offer", "click", "winner", "cash", "viagra", "prize"};
    private static final String[] HAM = {"meeting", "notes", "project", "lunch", "review", "schedule", "code"};

    private static ModelBundle bundle;

    private TestExperts() {}

    /** The test bundle, built on first use. */
    static synchronized ModelBundle bundle() {
        if (bundle == null) {
            try {
                Path dir = Files.createTempDirectory("sieve-worker-it-bundle");
                List<String> texts = texts(40);
                int[] classes = new int[texts.size()];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = i % 2 == 0 ? 1 : 0;
                }
                ClassifierGraphs.write(
                        ENCODER_CACHE,
                        LABELS.size(),
                        texts,
                        classes,
                        ClassifierGraphs.Output.LOGITS,
                        false,
                        Map.of(),
                        dir.resolve(ExpertGraphContract.EXPERT_FILE));
                Files.copy(
                        ClassifierGraphs.resource(ClassifierGraphs.TOKENIZER_RESOURCE, ENCODER_CACHE),
                        dir.resolve(ExpertGraphContract.TOKENIZER_FILE));
                bundle = ModelBundle.write(
                        dir,
                        LABELS,
                        Map.of(
                                BundleManifest.EXPERT, ExpertGraphContract.EXPERT_FILE,
                                BundleManifest.TOKENIZER, ExpertGraphContract.TOKENIZER_FILE),
                        ExpertSpec.logits(64, 16),
                        Map.of());
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
}
