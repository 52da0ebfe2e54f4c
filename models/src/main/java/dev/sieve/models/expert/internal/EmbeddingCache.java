package dev.sieve.models.expert.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Embeddings on disk under {@code <cacheDir>/embeddings/<key>.bin}, keyed by the encoder, the
 * tokenization settings and the SHA-256 of the texts, so re-training on the same data skips minutes
 * of encoding.
 */
public final class EmbeddingCache {
    private static final int MAGIC = 0x53454d42; // "SEMB"

    private final Path directory;

    public EmbeddingCache(Path cacheDir) {
        this.directory = cacheDir.resolve("embeddings");
    }

    public static String key(String encoderId, int maxTokens, int tailTokens, List<String> texts) {
        MessageDigest data = sha256();
        for (String text : texts) {
            byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
            data.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            data.update((byte) ':');
            data.update(bytes);
        }
        String dataSha = HexFormat.of().formatHex(data.digest());
        String description = encoderId + "|max=" + maxTokens + "|tail=" + tailTokens + "|data=" + dataSha;
        return HexFormat.of().formatHex(sha256().digest(description.getBytes(StandardCharsets.UTF_8)));
    }

    public Optional<List<float[]>> read(String key) {
        Path file = directory.resolve(key + ".bin");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                return Optional.empty();
            }
            int rows = in.readInt();
            int dimension = in.readInt();
            List<float[]> embeddings = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                float[] row = new float[dimension];
                for (int d = 0; d < dimension; d++) {
                    row[d] = in.readFloat();
                }
                embeddings.add(row);
            }
            return Optional.of(embeddings);
        } catch (IOException e) {
            return Optional.empty(); // a damaged cache entry is recomputed
        }
    }

    public void write(String key, List<float[]> embeddings) {
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, key, ".tmp");
            try (DataOutputStream out =
                    new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(MAGIC);
                out.writeInt(embeddings.size());
                out.writeInt(embeddings.isEmpty() ? 0 : embeddings.get(0).length);
                for (float[] row : embeddings) {
                    for (float v : row) {
                        out.writeFloat(v);
                    }
                }
            }
            Files.move(
                    tmp,
                    directory.resolve(key + ".bin"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write embedding cache in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
