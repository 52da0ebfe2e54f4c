package dev.sieve.gate.model;

import java.util.Arrays;

/**
 * Hashed TF-IDF features of word uni- and bigrams, computed without allocating per text.
 *
 * <p>Tokens are maximal runs of letters or digits ({@link Character#isLetterOrDigit(char)}),
 * lower-cased, at least {@value #MIN_TOKEN_LENGTH} characters long. Each token and each pair of
 * adjacent tokens is hashed (MurmurHash3 mixing over the characters) into one of {@code 2^bits}
 * buckets. A bucket's value is {@code (1 + ln tf) * idf}, and the vector is scaled to unit L2 norm.
 * Only the first {@value #MAX_CHARS} characters of a text are read, so a 10 MB text costs as much
 * as a 100 kB one. An empty text gives the zero vector.
 */
public final class TfidfFeaturizer {
    /** Number of hash bits unless told otherwise (262,144 buckets). */
    public static final int DEFAULT_BUCKET_BITS = 18;
    /** Characters of a text that are featurized; the rest is ignored. */
    public static final int MAX_CHARS = 100_000;

    static final int MIN_TOKEN_LENGTH = 2;
    private static final int SEED = 0x5eed_5eed;
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    /** For ASCII: the lower-cased character if it is a letter or digit, else 0 (the common fast path). */
    private static final char[] ASCII_WORD_LOWER = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_WORD_LOWER[c] = Character.isLetterOrDigit(c) ? Character.toLowerCase(c) : 0;
        }
    }

    private final int bucketBits;
    private final int mask;

    public TfidfFeaturizer(int bucketBits) {
        if (bucketBits < 4 || bucketBits > 24) {
            throw new IllegalArgumentException("bucket bits must be in [4, 24], was " + bucketBits);
        }
        this.bucketBits = bucketBits;
        this.mask = (1 << bucketBits) - 1;
    }

    public int bucketBits() {
        return bucketBits;
    }

    public int buckets() {
        return 1 << bucketBits;
    }

    /** A fresh workspace for this featurizer; one per thread. */
    public Workspace newWorkspace() {
        return new Workspace(buckets());
    }

    /**
     * Counts the hashed uni- and bigrams of {@code text} into {@code workspace}: afterwards {@code
     * workspace.size()} distinct buckets are in {@code indices()[0..size)} and their raw term
     * frequencies in {@code values()[0..size)}.
     */
    public void countTerms(CharSequence text, Workspace workspace) {
        workspace.clear();
        int length = Math.min(text.length(), MAX_CHARS);
        int hash = SEED;
        int tokenLength = 0;
        int previous = 0;
        boolean hasPrevious = false;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? text.charAt(i) : ' ';
            int lower = c < 128 ? ASCII_WORD_LOWER[c] : Character.isLetterOrDigit(c) ? Character.toLowerCase(c) : 0;
            if (lower != 0) {
                int k = lower * C1;
                k = Integer.rotateLeft(k, 15) * C2;
                hash ^= k;
                hash = Integer.rotateLeft(hash, 13) * 5 + 0xe6546b64;
                tokenLength++;
            } else if (tokenLength > 0) {
                if (tokenLength >= MIN_TOKEN_LENGTH) {
                    int token = fmix(hash ^ tokenLength);
                    workspace.add(token & mask);
                    if (hasPrevious) {
                        workspace.add(fmix(previous * 0x9e3779b1 + Integer.rotateLeft(token, 16) ^ 0x2545f491) & mask);
                    }
                    previous = token;
                    hasPrevious = true;
                }
                hash = SEED;
                tokenLength = 0;
            }
        }
    }

    /**
     * TF-IDF features of {@code text}: {@code workspace.indices()[0..size)} are bucket numbers,
     * {@code workspace.values()[0..size)} the L2-normalized weights.
     *
     * @param idf inverse document frequency per bucket (length {@link #buckets()})
     */
    public void featurize(CharSequence text, float[] idf, Workspace workspace) {
        featurize(text, idf, 1, workspace);
    }

    /**
     * Like {@link #featurize(CharSequence, float[], Workspace)} with the idf of bucket {@code b} at
     * {@code table[b * stride]} (so a model can keep a bucket's idf and weights in one cache line).
     */
    public void featurize(CharSequence text, float[] table, int stride, Workspace workspace) {
        countTerms(text, workspace);
        int size = workspace.size;
        int[] indices = workspace.indices;
        float[] values = workspace.values;
        double squares = 0;
        for (int i = 0; i < size; i++) {
            float value = (float) (1.0 + Math.log(values[i])) * table[indices[i] * stride];
            values[i] = value;
            squares += (double) value * value;
        }
        if (squares > 0) {
            float scale = (float) (1.0 / Math.sqrt(squares));
            for (int i = 0; i < size; i++) {
                values[i] *= scale;
            }
        }
    }

    /** Smoothed inverse document frequency, {@code ln((1 + n) / (1 + df)) + 1}. */
    public static float idf(int documents, int documentFrequency) {
        return (float) (Math.log((1.0 + documents) / (1.0 + documentFrequency)) + 1.0);
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * Reusable buffers of one thread: a small open-addressing table from bucket to entry (sized to
     * the text, so it stays in the CPU cache; cleared by walking only the used entries) and growable
     * sparse index / value arrays.
     */
    public static final class Workspace {
        private int[] tableKeys = new int[1 << 12];
        private int[] tableEntries = new int[1 << 12];
        private int tableShift = 32 - 12;
        private int[] slots = new int[1024];
        private int[] indices = new int[1024];
        private float[] values = new float[1024];
        private int size;

        Workspace(int buckets) {
            // The table is independent of the bucket count; the parameter keeps room for a dense variant.
        }

        public int size() {
            return size;
        }

        /** Bucket numbers; valid up to {@link #size()}. */
        public int[] indices() {
            return indices;
        }

        /** Values; valid up to {@link #size()}. */
        public float[] values() {
            return values;
        }

        void clear() {
            for (int i = 0; i < size; i++) {
                tableKeys[slots[i]] = 0;
            }
            size = 0;
        }

        void add(int bucket) {
            int key = bucket + 1;
            int mask = tableKeys.length - 1;
            int slot = (key * 0x9e3779b1) >>> tableShift;
            while (true) {
                int existing = tableKeys[slot];
                if (existing == key) {
                    values[tableEntries[slot]] += 1f;
                    return;
                }
                if (existing == 0) {
                    break;
                }
                slot = (slot + 1) & mask;
            }
            if (size == indices.length) {
                indices = Arrays.copyOf(indices, size * 2);
                values = Arrays.copyOf(values, size * 2);
                slots = Arrays.copyOf(slots, size * 2);
            }
            tableKeys[slot] = key;
            tableEntries[slot] = size;
            slots[size] = slot;
            indices[size] = bucket;
            values[size] = 1f;
            size++;
            if (size * 2 > tableKeys.length) {
                grow();
            }
        }

        private void grow() {
            int capacity = tableKeys.length * 2;
            tableKeys = new int[capacity];
            tableEntries = new int[capacity];
            tableShift--;
            int mask = capacity - 1;
            for (int i = 0; i < size; i++) {
                int key = indices[i] + 1;
                int slot = (key * 0x9e3779b1) >>> tableShift;
                while (tableKeys[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                tableKeys[slot] = key;
                tableEntries[slot] = i;
                slots[i] = slot;
            }
        }
    }
}
