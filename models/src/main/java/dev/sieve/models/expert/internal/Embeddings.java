package dev.sieve.models.expert.internal;

import ai.onnxruntime.OrtException;
import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.worker.expert.ExpertTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Pooled sentence embeddings of one encoder with one tokenization setting, computed once and cached
 * on disk. Owns the encoder session and tokenizer; close it when done.
 */
public final class Embeddings implements AutoCloseable {
    private final Encoder encoder;
    private final Path cacheDir;
    private final ExpertTokenizer tokenizer;
    private final int threads;
    private final EmbeddingCache cache;
    private PooledEncoder session;

    public Embeddings(Encoder encoder, int maxTokens, int tailTokens, Path cacheDir, int threads) {
        this.encoder = encoder;
        this.cacheDir = cacheDir;
        this.threads = threads;
        this.tokenizer = ExpertTokenizer.open(tokenizerFile(encoder, cacheDir), maxTokens, tailTokens);
        this.cache = new EmbeddingCache(cacheDir);
    }

    public static Path tokenizerFile(Encoder encoder, Path cacheDir) {
        return encoder.tokenizerFile(cacheDir);
    }

    public static Path encoderFile(Encoder encoder, Path cacheDir) {
        return encoder.onnxFile(cacheDir);
    }

    public ExpertTokenizer tokenizer() {
        return tokenizer;
    }

    /** Embeddings of {@code texts} in order, from the cache when this exact input was embedded before. */
    public List<float[]> embed(List<String> texts, String phase, ProgressListener progress) throws OrtException {
        String key = EmbeddingCache.key(
                encoder.name() + "/" + encoder.pooling(), tokenizer.maxTokens(), tokenizer.tailTokens(), texts);
        Optional<List<float[]>> cached = cache.read(key);
        if (cached.isPresent() && cached.get().size() == texts.size()) {
            progress.onProgress(phase + " (cached)", texts.size(), texts.size());
            return cached.get();
        }
        List<float[]> embeddings = session().embed(texts, phase, progress);
        cache.write(key, embeddings);
        return embeddings;
    }

    private PooledEncoder session() throws OrtException {
        if (session == null) {
            Path pooled = cacheDir.resolve("encoders").resolve(encoder.name().toLowerCase() + "-pooled.onnx");
            if (!Files.isRegularFile(pooled)) {
                ExpertGraphBuilder.save(
                        ExpertGraphBuilder.withPooling(
                                ExpertGraphBuilder.load(encoderFile(encoder, cacheDir)), encoder.pooling()),
                        pooled);
            }
            session = new PooledEncoder(pooled, tokenizer, threads);
        }
        return session;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        tokenizer.close();
    }
}
