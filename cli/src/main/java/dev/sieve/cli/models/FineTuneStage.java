package dev.sieve.cli.models;

import dev.sieve.models.expert.Encoder;
import dev.sieve.models.finetune.EncoderFineTuner;
import dev.sieve.shared.corpus.LabeledText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * {@code sieve train --fine-tune}: fine-tunes the expert's encoder on the training split before the head
 * is trained. The tuned encoder is written where the expert trainer looks for the encoder file, in a
 * cache directory of its own ({@code <cache-dir>/fine-tuned/<run>/encoders/<resource>}), so the usual
 * head training and graph building run over it unchanged.
 */
public final class FineTuneStage {

    @Option(
            names = "--fine-tune",
            description = "Fine-tune the expert's encoder on the training split first (DJL + PyTorch on the CPU).")
    boolean enabled;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            paramLabel = "N",
            description = "Fine-tuning epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--resume", description = "Continue fine-tuning from the last complete epoch's checkpoint.")
    boolean resume;

    @Option(
            names = "--fine-tune-items",
            paramLabel = "N",
            description = "Fine-tune on a seeded sample of at most N training items (default: all).")
    Integer items;

    @Option(
            names = "--fine-tune-max-tokens",
            defaultValue = "128",
            paramLabel = "T",
            description = "Longest token sequence while fine-tuning (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    /** Where the expert trainer finds its encoder, and what fine-tuning did (empty without --fine-tune). */
    record EncoderSource(Path cacheDir, Optional<Map<String, Object>> facts) {}

    EncoderSource prepare(
            String encoderName,
            List<LabeledText> train,
            List<String> labels,
            Path cacheDir,
            Consumer<String> progress) {
        if (!enabled) {
            if (resume || items != null) {
                throw new UserInputException("--resume and --fine-tune-items need --fine-tune");
            }
            return new EncoderSource(cacheDir, Optional.empty());
        }
        if (items != null && items < 2) {
            throw new UserInputException("--fine-tune-items must be at least 2, got " + items);
        }
        Encoder encoder = OnnxExpertStage.encoder(encoderName);
        EncoderFineTuner.Options options;
        try {
            options = EncoderFineTuner.Options.defaults(cacheDir)
                    .withEncoder(encoder)
                    .withEpochs(epochs)
                    .withTokens(maxTokens, maxTokens / 4)
                    .withCacheDir(cacheDir);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("fine-tuning: " + e.getMessage());
        }
        List<LabeledText> sample = sample(train);
        String run =
                EncoderFineTuner.create(options).fingerprint(sample, labels).substring(0, 16);
        Path runDir = cacheDir.resolve("fine-tuned").resolve(run);
        options = options.withWorkDir(runDir.resolve("work")).withResume(resume);
        // the pooled graph and the embeddings cached beside an earlier tuned encoder are stale now
        deleteTree(runDir.resolve("encoders"));
        deleteTree(runDir.resolve("embeddings"));
        Path tuned = runDir.resolve("encoders")
                .resolve(encoder.onnxFile(cacheDir).getFileName().toString());
        progress.accept("fine-tune: " + encoder + " on " + sample.size() + " items, " + epochs + " epoch(s), "
                + maxTokens + " tokens, in " + runDir + (resume ? " (resuming)" : "") + " ...");
        EncoderFineTuner.Result result = EncoderFineTuner.create(options).tune(sample, labels, tuned);
        String digest = sha256(tuned);
        if (!encoder.onnxFile(runDir).equals(tuned) || !sha256(tuned).equals(digest)) {
            throw new IllegalStateException("the tuned encoder " + tuned + " was replaced by the original encoder");
        }
        progress.accept(String.format(
                "fine-tune: loss %.4f -> %.4f, epoch losses %s, %.0f s training (%.0f s in all) on %d cores;"
                        + " ONNX Runtime vs Java max abs diff %.2e",
                result.lossBefore(),
                result.lossAfter(),
                result.epochLosses(),
                result.trainSeconds(),
                result.totalSeconds(),
                Runtime.getRuntime().availableProcessors(),
                result.maxAbsDiffAfter()));
        return new EncoderSource(runDir, Optional.of(result.facts(options, sample.size())));
    }

    private List<LabeledText> sample(List<LabeledText> train) {
        if (items == null || items >= train.size()) {
            return train;
        }
        List<LabeledText> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(42));
        return List.copyOf(shuffled.subList(0, items));
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return java.util.HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
