package dev.sieve.cli.models;

import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ExpertTrainer;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.expert.OnnxExpert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The expert of this build: gpu-worker's {@link ExpertTrainer} and {@link OnnxExpert} on the CPU. */
final class OnnxExpertStage implements ExpertStage {
    /** The encoder to train on instead of {@code --encoder}'s, with its token lengths; null for the built-ins. */
    private final Encoder encoder;

    private final int maxTokens;
    private final int tailTokens;

    OnnxExpertStage() {
        this(null, 0, 0);
    }

    private OnnxExpertStage(Encoder encoder, int maxTokens, int tailTokens) {
        this.encoder = encoder;
        this.maxTokens = maxTokens;
        this.tailTokens = tailTokens;
    }

    /**
     * The expert of {@code sieve bundle import} with an encoder-only export: Sieve's pooling and head
     * trained on the user's encoder, served like a built-in one.
     */
    static OnnxExpertStage onEncoder(Encoder encoder, int maxTokens, int tailTokens) {
        return new OnnxExpertStage(encoder, maxTokens, tailTokens);
    }

    static Encoder encoder(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "minilm" -> Encoder.MINILM_L6;
            case "minilm-int8" -> Encoder.MINILM_L6_INT8;
            case "bge-small" -> Encoder.BGE_SMALL;
            case "bge-small-int8" -> Encoder.BGE_SMALL_INT8;
            default ->
                throw new UserInputException(
                        "unknown encoder '" + name + "'; use minilm, minilm-int8, bge-small or bge-small-int8");
        };
    }

    @Override
    public Trained train(
            Settings settings,
            List<LabeledText> train,
            float[][] trainGate,
            List<LabeledText> validation,
            float[][] validationGate,
            List<String> labels,
            Path bundleDir) {
        ExpertTrainer.Options options = ExpertTrainer.Options.defaults()
                .withEncoder(encoder != null ? encoder : encoder(settings.encoder()))
                .withInt8(settings.int8())
                .withCacheDir(settings.cacheDir());
        if (encoder != null) {
            options = options.withTokens(maxTokens, tailTokens);
        }
        ExpertTrainer.TrainedExpert trained = ExpertTrainer.create(options)
                .train(train, Arrays.asList(trainGate), validation, Arrays.asList(validationGate), labels, bundleDir);
        return new Trained(trained.components(), trained.spec(), trained.metadata());
    }

    @Override
    public Optional<Runner> open(ModelBundle bundle, boolean int8, int threads) {
        if (bundle.component(BundleManifest.EXPERT).isEmpty()) {
            return Optional.empty();
        }
        OnnxExpert expert =
                OnnxExpert.open(bundle, OnnxExpert.Options.cpu(threads).withInt8(int8));
        return Optional.of(new Runner() {
            @Override
            public float[][] predict(List<String> texts, float[][] gateProbabilities, int batchSize) throws Exception {
                float[][] probabilities = new float[texts.size()][];
                for (int start = 0; start < texts.size(); start += batchSize) {
                    int end = Math.min(texts.size(), start + batchSize);
                    List<ExpertInput> batch = new ArrayList<>(end - start);
                    for (int i = start; i < end; i++) {
                        batch.add(expert.prepare(texts.get(i), gateProbabilities[i]));
                    }
                    float[][] out = expert.predict(batch);
                    System.arraycopy(out, 0, probabilities, start, out.length);
                }
                return probabilities;
            }

            @Override
            public void close() {
                expert.close();
            }
        });
    }
}
