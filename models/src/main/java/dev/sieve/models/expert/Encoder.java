package dev.sieve.models.expert;

import dev.sieve.models.expert.internal.EncoderFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A sentence encoder the expert is built on: its ONNX graph (output {@code last_hidden_state}), its
 * Hugging Face {@code tokenizer.json} and the pooling its authors trained it with. The built-in ones
 * ship in Maven artifacts (langchain4j embedding jars); {@link #fromFiles} takes a user's own
 * encoder-only export.
 */
public final class Encoder {
    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /** Mean over the attention mask, then L2 normalisation (sentence-transformers MiniLM). */
        MEAN_L2,
        /** The first ([CLS]) token's vector (bge). */
        CLS
    }

    public static final Encoder MINILM_L6 =
            builtIn("MINILM_L6", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN_L2, false);
    public static final Encoder MINILM_L6_INT8 = builtIn(
            "MINILM_L6_INT8", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", Pooling.MEAN_L2, true);
    public static final Encoder BGE_SMALL =
            builtIn("BGE_SMALL", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", Pooling.CLS, false);
    public static final Encoder BGE_SMALL_INT8 = builtIn(
            "BGE_SMALL_INT8", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json", Pooling.CLS, true);

    private static final List<Encoder> BUILT_IN = List.of(MINILM_L6, MINILM_L6_INT8, BGE_SMALL, BGE_SMALL_INT8);

    private final String name;
    private final String onnxResource;
    private final String tokenizerResource;
    private final Path onnxPath;
    private final Path tokenizerPath;
    private final Pooling pooling;
    private final boolean int8;

    private Encoder(
            String name,
            String onnxResource,
            String tokenizerResource,
            Path onnxPath,
            Path tokenizerPath,
            Pooling pooling,
            boolean int8) {
        this.name = name;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.onnxPath = onnxPath;
        this.tokenizerPath = tokenizerPath;
        this.pooling = pooling;
        this.int8 = int8;
    }

    private static Encoder builtIn(
            String name, String onnxResource, String tokenizerResource, Pooling pooling, boolean int8) {
        return new Encoder(name, onnxResource, tokenizerResource, null, null, pooling, int8);
    }

    /**
     * A user's encoder-only export. Its name ({@code FILE_} and 16 hex digits of the SHA-256 of both
     * files) keys the embedding cache, so a changed file is never read from a stale cache.
     *
     * @throws IllegalArgumentException when a file is missing
     */
    public static Encoder fromFiles(Path onnx, Path tokenizer, Pooling pooling) {
        Objects.requireNonNull(pooling, "pooling");
        for (Path file : List.of(onnx, tokenizer)) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + " is not a file");
            }
        }
        String name = "FILE_" + sha256(onnx, tokenizer).substring(0, 16);
        return new Encoder(name, null, null, onnx.toAbsolutePath(), tokenizer.toAbsolutePath(), pooling, false);
    }

    /** The built-in encoders. */
    public static List<Encoder> values() {
        return BUILT_IN;
    }

    /**
     * The built-in encoder of that name ({@code MINILM_L6}, ...).
     *
     * @throws IllegalArgumentException naming the built-in encoders
     */
    public static Encoder valueOf(String name) {
        for (Encoder encoder : BUILT_IN) {
            if (encoder.name.equals(name)) {
                return encoder;
            }
        }
        throw new IllegalArgumentException("no built-in encoder '" + name + "'; built in: "
                + BUILT_IN.stream().map(Encoder::name).toList());
    }

    /** {@code MINILM_L6}, ..., or {@code FILE_<hash>} for a user's export. */
    public String name() {
        return name;
    }

    /** Whether the encoder ships in a Maven artifact (rather than being a user's files). */
    public boolean isBuiltIn() {
        return onnxPath == null;
    }

    /** The encoder's ONNX graph on disk (a built-in one is copied into {@code cacheDir} once). */
    public Path onnxFile(Path cacheDir) {
        return onnxPath != null ? onnxPath : EncoderFiles.cached(onnxResource, cacheDir);
    }

    /** The encoder's {@code tokenizer.json} on disk (a built-in one is copied into {@code cacheDir} once). */
    public Path tokenizerFile(Path cacheDir) {
        return tokenizerPath != null ? tokenizerPath : EncoderFiles.cached(tokenizerResource, cacheDir);
    }

    public Pooling pooling() {
        return pooling;
    }

    public boolean isInt8() {
        return int8;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Encoder that && name.equals(that.name) && pooling == that.pooling;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + pooling.hashCode();
    }

    @Override
    public String toString() {
        return isBuiltIn()
                ? name
                : name + " (" + onnxPath + ", " + pooling.name().toLowerCase(Locale.ROOT) + ")";
    }

    private static String sha256(Path... files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + List.of(files) + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
