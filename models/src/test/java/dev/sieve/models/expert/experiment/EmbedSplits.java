package dev.sieve.models.expert.experiment;

import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.models.expert.internal.Embeddings;
import java.nio.file.Path;
import java.util.List;

/** Warms the embedding cache for the experiment splits: {@code EmbedSplits <dataDir> <ENCODER> <maxTokens> <tailTokens>}. */
public final class EmbedSplits {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Encoder encoder = Encoder.valueOf(args[1]);
        int maxTokens = Integer.parseInt(args[2]);
        int tail = Integer.parseInt(args[3]);
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "sieve");
        try (Embeddings embeddings = new Embeddings(encoder, maxTokens, tail, cache, 2)) {
            // an int8 encoder reuses the head trained on fp32 embeddings: only held-out splits are needed
            List<String> splits =
                    encoder.isInt8() ? List.of("validation", "test") : List.of("validation", "test", "train");
            for (String split : splits) {
                List<String> texts = Splits.read(data.resolve(split + ".jsonl")).stream()
                        .map(t -> t.text())
                        .toList();
                long start = System.nanoTime();
                embeddings.embed(texts, encoder + " " + split, ProgressListener.stderrBar());
                System.out.printf(
                        "{\"encoder\":\"%s\",\"split\":\"%s\",\"items\":%d,\"seconds\":%.1f}%n",
                        encoder, split, texts.size(), (System.nanoTime() - start) / 1e9);
            }
        }
    }
}
