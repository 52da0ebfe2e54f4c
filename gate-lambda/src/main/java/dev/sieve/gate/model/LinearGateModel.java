package dev.sieve.gate.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The gate: hashed TF-IDF features and a multinomial logistic regression over them, scored with
 * plain arrays. Immutable and thread-safe; each thread reuses its own featurizer workspace, so
 * scoring a text allocates nothing once the thread is warm.
 *
 * <p>{@code gate.bin} (gzip-compressed, big-endian, {@link DataOutputStream} encoding): magic
 * {@code "SVGT"}, format version {@value #FORMAT_VERSION}, bucket bits {@code b}, maximum
 * characters read for words, the {@link FeatureMode} name and the maximum characters read for
 * character n-grams (both from version 2 on), label count {@code K} and the labels (modified
 * UTF-8), then {@code 2^b} idf floats, {@code 2^b × K} weight floats (bucket-major: the K class
 * weights of bucket 0, then of bucket 1, ...), and {@code K} bias floats. Version 1 files (no mode)
 * are read as {@link FeatureMode#WORDS}, which they are.
 */
public final class LinearGateModel implements GateScorer {
    static final int MAGIC = 0x53564754; // "SVGT"
    static final int FORMAT_VERSION = 2;
    /** The first format: word 1-2 grams only, no mode in the header. */
    static final int WORDS_ONLY_VERSION = 1;

    private final List<String> labels;
    private final TfidfFeaturizer featurizer;
    /** Per bucket: its idf, then its K class weights (one cache line per bucket for small K). */
    private final float[] table;

    private final int stride;
    private final float[] bias;
    private final ThreadLocal<TfidfFeaturizer.Workspace> workspaces;

    /**
     * @param weights {@code buckets × labels} class weights, bucket-major
     */
    public LinearGateModel(
            List<String> labels, TfidfFeaturizer featurizer, float[] idf, float[] weights, float[] bias) {
        this.labels = List.copyOf(labels);
        this.featurizer = featurizer;
        int classes = this.labels.size();
        if (classes < 2) {
            throw new IllegalArgumentException("a gate needs at least 2 labels, got " + labels);
        }
        if (idf.length != featurizer.buckets()
                || weights.length != featurizer.buckets() * classes
                || bias.length != classes) {
            throw new IllegalArgumentException(
                    "gate arrays do not match " + featurizer.buckets() + " buckets and " + classes + " labels");
        }
        this.stride = classes + 1;
        this.table = new float[featurizer.buckets() * stride];
        for (int b = 0; b < featurizer.buckets(); b++) {
            table[b * stride] = idf[b];
            System.arraycopy(weights, b * classes, table, b * stride + 1, classes);
        }
        this.bias = bias.clone();
        this.workspaces = ThreadLocal.withInitial(featurizer::newWorkspace);
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    public TfidfFeaturizer featurizer() {
        return featurizer;
    }

    float[] idf() {
        float[] idf = new float[featurizer.buckets()];
        for (int b = 0; b < idf.length; b++) {
            idf[b] = table[b * stride];
        }
        return idf;
    }

    /** The weight of bucket {@code bucket} for class {@code k}. */
    float weight(int bucket, int k) {
        return table[bucket * stride + 1 + k];
    }

    @Override
    public void score(CharSequence text, float[] probabilities) {
        int classes = bias.length;
        if (probabilities.length != classes) {
            throw new IllegalArgumentException(
                    "probabilities must have length " + classes + ", had " + probabilities.length);
        }
        TfidfFeaturizer.Workspace workspace = workspaces.get();
        // the L2 scale multiplies the dot products, not each feature (one pass fewer)
        float scale = featurizer.featurizeUnscaled(text, table, stride, workspace);
        int size = workspace.size();
        int[] indices = workspace.indices();
        float[] values = workspace.values();
        if (classes == 2) {
            float dot0 = 0;
            float dot1 = 0;
            for (int i = 0; i < size; i++) {
                int row = indices[i] * 3;
                float value = values[i];
                dot0 += value * table[row + 1];
                dot1 += value * table[row + 2];
            }
            double p1 = 1.0 / (1.0 + Math.exp(bias[0] + scale * dot0 - (bias[1] + scale * dot1)));
            probabilities[0] = (float) (1.0 - p1);
            probabilities[1] = (float) p1;
            return;
        }
        Arrays.fill(probabilities, 0f);
        for (int i = 0; i < size; i++) {
            int row = indices[i] * stride + 1;
            float value = values[i];
            for (int k = 0; k < classes; k++) {
                probabilities[k] += value * table[row + k];
            }
        }
        for (int k = 0; k < classes; k++) {
            probabilities[k] = bias[k] + scale * probabilities[k];
        }
        softmax(probabilities);
    }

    /**
     * Featurizes {@code text} into this thread's workspace (for training code that needs the
     * features themselves); the result is valid until this thread's next call.
     */
    public TfidfFeaturizer.Workspace features(CharSequence text) {
        TfidfFeaturizer.Workspace workspace = workspaces.get();
        featurizer.featurize(text, table, stride, workspace);
        return workspace;
    }

    static void softmax(float[] logits) {
        float max = logits[0];
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            sum += Math.exp(logits[k] - max);
        }
        for (int k = 0; k < logits.length; k++) {
            logits[k] = (float) (Math.exp(logits[k] - max) / sum);
        }
    }

    /** Writes the {@code gate.bin} form of this model. */
    public void save(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            save(out);
        }
    }

    public void save(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(stream), 1 << 16));
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(featurizer.bucketBits());
        out.writeInt(TfidfFeaturizer.MAX_CHARS);
        out.writeUTF(featurizer.mode().name());
        out.writeInt(TfidfFeaturizer.MAX_NGRAM_CHARS);
        out.writeInt(labels.size());
        for (String label : labels) {
            out.writeUTF(label);
        }
        int classes = labels.size();
        for (int b = 0; b < featurizer.buckets(); b++) {
            out.writeFloat(table[b * stride]);
        }
        for (int b = 0; b < featurizer.buckets(); b++) {
            for (int k = 0; k < classes; k++) {
                out.writeFloat(table[b * stride + 1 + k]);
            }
        }
        for (float value : bias) {
            out.writeFloat(value);
        }
        out.flush();
        out.close();
    }

    /** Reads a {@code gate.bin} file; a wrong or truncated file raises {@link GateModelException}. */
    public static LinearGateModel load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new GateModelException("gate model file " + file + " does not exist");
        } catch (IOException e) {
            throw new GateModelException("cannot read gate model " + file + ": " + e.getMessage(), e);
        }
    }

    static LinearGateModel load(InputStream stream, String source) throws IOException {
        DataInputStream in;
        try {
            in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(stream), 1 << 16));
        } catch (java.util.zip.ZipException e) {
            throw new GateModelException(source + " is not a gate model (not gzip data)");
        }
        try {
            if (in.readInt() != MAGIC) {
                throw new GateModelException(source + " is not a gate model (wrong magic number)");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION && version != WORDS_ONLY_VERSION) {
                throw new GateModelException(source + " has gate format version " + version + "; this build reads "
                        + WORDS_ONLY_VERSION + " and " + FORMAT_VERSION);
            }
            int bits = in.readInt();
            int maxChars = in.readInt();
            if (maxChars != TfidfFeaturizer.MAX_CHARS) {
                throw new GateModelException(source + " was trained to read " + maxChars
                        + " characters per text; this build reads " + TfidfFeaturizer.MAX_CHARS);
            }
            FeatureMode mode = FeatureMode.WORDS;
            if (version >= 2) {
                String modeName = in.readUTF();
                try {
                    mode = FeatureMode.valueOf(modeName);
                } catch (IllegalArgumentException e) {
                    throw new GateModelException(source + " has an unknown feature mode '" + modeName + "'");
                }
                int maxNgramChars = in.readInt();
                if (mode != FeatureMode.WORDS && maxNgramChars != TfidfFeaturizer.MAX_NGRAM_CHARS) {
                    throw new GateModelException(source + " was trained to read character n-grams of "
                            + maxNgramChars + " characters per text; this build reads "
                            + TfidfFeaturizer.MAX_NGRAM_CHARS);
                }
            }
            int classes = in.readInt();
            if (classes < 2 || classes > 10_000 || bits < 4 || bits > 24) {
                throw new GateModelException(
                        source + " has an invalid header (" + classes + " labels, " + bits + " bucket bits)");
            }
            List<String> labels = new ArrayList<>(classes);
            for (int k = 0; k < classes; k++) {
                labels.add(in.readUTF());
            }
            TfidfFeaturizer featurizer = new TfidfFeaturizer(bits, mode);
            float[] idf = readFloats(in, featurizer.buckets());
            float[] weights = readFloats(in, featurizer.buckets() * classes);
            float[] bias = readFloats(in, classes);
            return new LinearGateModel(labels, featurizer, idf, weights, bias);
        } catch (EOFException e) {
            throw new GateModelException(source + " is truncated");
        }
    }

    private static float[] readFloats(DataInputStream in, int count) throws IOException {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}
