package dev.sieve.gate.model;

import java.util.Arrays;

/**
 * Hashed TF-IDF features of word uni- and bigrams and/or character n-grams, computed without
 * allocating per text.
 *
 * <p>Words are maximal runs of letters or digits ({@link Character#isLetterOrDigit(char)}),
 * lower-cased. In {@link FeatureMode#WORDS} and {@link FeatureMode#BOTH} each word of at least
 * {@value #MIN_TOKEN_LENGTH} characters and each pair of adjacent such words is a term. In {@link
 * FeatureMode#CHARS} and {@link FeatureMode#BOTH} every word (of any length) is padded with one
 * space on each side and each of its character n-grams of length {@value #MIN_NGRAM} to {@value
 * #MAX_NGRAM} is a term, like scikit-learn's {@code analyzer="char_wb"}: {@code "ab"} gives {@code
 * " a"}, {@code "ab"}, {@code "b "}, {@code " ab"}, {@code "ab "} and {@code " ab "}.
 *
 * <p>Every term is hashed (MurmurHash3 mixing over its characters; word terms, and character
 * n-grams of each length, with their own seed or salt) into one of {@code 2^bits} buckets. A
 * bucket's value is {@code (1 + ln tf) * idf}, and the vector is scaled to unit L2 norm. Word terms
 * come from the first {@value #MAX_CHARS} characters of a text, character n-grams from the first
 * {@value #MAX_NGRAM_CHARS} (they cost about 14 hash steps per character, words about 2), so a huge
 * text costs as much as a long one. An empty text gives the zero vector.
 */
public final class TfidfFeaturizer {
    /** Number of hash bits unless told otherwise (262,144 buckets). */
    public static final int DEFAULT_BUCKET_BITS = 18;
    /** Characters of a text whose words are featurized; the rest is ignored. */
    public static final int MAX_CHARS = 100_000;
    /**
     * Characters of a text whose character n-grams are featurized; the rest is ignored. Character
     * n-grams are what short texts need (names, subject lines, sentences: read whole); long texts are
     * carried by their words. The scoring cost grows with the distinct features, each a random read of
     * the weight table: at 20,000 characters the SpamAssassin gate cost 988 us per item (10x words only),
     * at 2,000 still 330 us and only 375x cheaper than the expert (sieve bench gate); 500 keeps it
     * 1000x cheaper.
     */
    public static final int MAX_NGRAM_CHARS = 500;

    /** The shortest run of letters or digits that is a word in words mode. */
    public static final int MIN_TOKEN_LENGTH = 2;

    static final int MIN_NGRAM = 2;
    static final int MAX_NGRAM = 5;
    private static final int SEED = 0x5eed_5eed;
    /** Character n-grams are hashed from their last character backwards, from this seed. */
    private static final int NGRAM_SEED = 0x7c3a_91d5;
    /** Salt per n-gram length, so an n-gram's hash depends on its length too. */
    private static final int SALT_2 = 0x2b0f_6a11;

    private static final int SALT_3 = 0x3c4d_1e93;
    private static final int SALT_4 = 0x4e8b_c3a7;
    private static final int SALT_5 = 0x5f17_8d2b;
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
    private final FeatureMode mode;

    /** A featurizer of word 1-2 grams ({@link FeatureMode#WORDS}). */
    public TfidfFeaturizer(int bucketBits) {
        this(bucketBits, FeatureMode.WORDS);
    }

    public TfidfFeaturizer(int bucketBits, FeatureMode mode) {
        if (bucketBits < 4 || bucketBits > 24) {
            throw new IllegalArgumentException("bucket bits must be in [4, 24], was " + bucketBits);
        }
        if (mode == null) {
            throw new IllegalArgumentException("feature mode must be given");
        }
        this.bucketBits = bucketBits;
        this.mask = (1 << bucketBits) - 1;
        this.mode = mode;
    }

    public int bucketBits() {
        return bucketBits;
    }

    public int buckets() {
        return 1 << bucketBits;
    }

    public FeatureMode mode() {
        return mode;
    }

    /** A fresh workspace for this featurizer; one per thread. */
    public Workspace newWorkspace() {
        return new Workspace(buckets());
    }

    /**
     * Counts the hashed terms of {@code text} into {@code workspace}: afterwards {@code
     * workspace.size()} distinct buckets are in {@code indices()[0..size)} and their raw term
     * frequencies in {@code values()[0..size)}.
     */
    public void countTerms(CharSequence text, Workspace workspace) {
        workspace.clear();
        if (mode.words()) {
            countWords(text, Math.min(text.length(), MAX_CHARS), workspace);
        }
        if (mode.chars()) {
            countNgrams(text, Math.min(text.length(), MAX_NGRAM_CHARS), workspace);
        }
    }

    private void countWords(CharSequence text, int length, Workspace workspace) {
        int hash = SEED;
        int tokenLength = 0;
        int previous = 0;
        boolean hasPrevious = false;
        for (int i = 0; i <= length; i++) {
            int lower = i < length ? wordLower(text.charAt(i)) : 0;
            if (lower != 0) {
                hash = mix(hash, lower);
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
     * Character n-grams of the space-padded words: a window of the last four characters rolls
     * over the text, and each character of a padded word closes the n-grams that end with it.
     */
    private void countNgrams(CharSequence text, int length, Workspace workspace) {
        // c1..c4: the 1st..4th character before the current one in the padded word; seen: how
        // many characters of the padded word came before (0 = not inside a word).
        int c1 = 0;
        int c2 = 0;
        int c3 = 0;
        int c4 = 0;
        int seen = 0;
        for (int i = 0; i <= length; i++) {
            int lower = i < length ? wordLower(text.charAt(i)) : 0;
            if (lower != 0) {
                if (seen == 0) {
                    c1 = ' ';
                    seen = 1;
                }
                addNgramsEndingWith(lower, c1, c2, c3, c4, seen, workspace);
                c4 = c3;
                c3 = c2;
                c2 = c1;
                c1 = lower;
                seen++;
            } else if (seen > 0) {
                addNgramsEndingWith(' ', c1, c2, c3, c4, seen, workspace);
                seen = 0;
            }
        }
    }

    /** Adds the n-grams (n = 2..5, as far as {@code before} characters allow) that end with {@code c}. */
    private void addNgramsEndingWith(int c, int c1, int c2, int c3, int c4, int before, Workspace workspace) {
        int hash = mix(mix(NGRAM_SEED, c), c1);
        workspace.add(fmix(hash ^ SALT_2) & mask);
        if (before < 2) {
            return;
        }
        hash = mix(hash, c2);
        workspace.add(fmix(hash ^ SALT_3) & mask);
        if (before < 3) {
            return;
        }
        hash = mix(hash, c3);
        workspace.add(fmix(hash ^ SALT_4) & mask);
        if (before < 4) {
            return;
        }
        hash = mix(hash, c4);
        workspace.add(fmix(hash ^ SALT_5) & mask);
    }

    /**
     * The bucket of one character n-gram given as a string (for tests: the same hash as the
     * rolling window computes, from a plain loop over the n-gram's characters).
     */
    int ngramBucket(CharSequence ngram) {
        int n = ngram.length();
        if (n < MIN_NGRAM || n > MAX_NGRAM) {
            throw new IllegalArgumentException("n-gram length must be in [2, 5], was " + n);
        }
        int hash = NGRAM_SEED;
        for (int i = n - 1; i >= 0; i--) {
            hash = mix(hash, ngram.charAt(i));
        }
        int salt = n == 2 ? SALT_2 : n == 3 ? SALT_3 : n == 4 ? SALT_4 : SALT_5;
        return fmix(hash ^ salt) & mask;
    }

    /** The lower-cased character if it is a letter or digit, else 0. */
    private static int wordLower(char c) {
        return c < 128 ? ASCII_WORD_LOWER[c] : Character.isLetterOrDigit(c) ? Character.toLowerCase(c) : 0;
    }

    /** One MurmurHash3 (x86, 32-bit) body step over one character. */
    private static int mix(int hash, int c) {
        int k = c * C1;
        k = Integer.rotateLeft(k, 15) * C2;
        hash ^= k;
        return Integer.rotateLeft(hash, 13) * 5 + 0xe6546b64;
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
        float scale = featurizeUnscaled(text, table, stride, workspace);
        if (scale != 1f) {
            int size = workspace.size;
            float[] values = workspace.values;
            for (int i = 0; i < size; i++) {
                values[i] *= scale;
            }
        }
    }

    /**
     * Like {@link #featurize(CharSequence, float[], int, Workspace)} but leaves the values at {@code (1 +
     * ln tf) * idf} and returns the factor that scales them to unit L2 norm (1 for the zero vector). A
     * linear model multiplies its logits by it instead of every feature: one pass over the features
     * fewer on the scoring path.
     */
    public float featurizeUnscaled(CharSequence text, float[] table, int stride, Workspace workspace) {
        countTerms(text, workspace);
        int size = workspace.size;
        int[] indices = workspace.indices;
        float[] values = workspace.values;
        double squares = 0;
        for (int i = 0; i < size; i++) {
            float value = logTf(values[i]) * table[indices[i] * stride];
            values[i] = value;
            squares += (double) value * value;
        }
        return squares > 0 ? (float) (1.0 / Math.sqrt(squares)) : 1f;
    }

    /** {@code 1 + ln(count)}: a table for the counts almost every term has, {@link Math#log} above. */
    private static float logTf(float count) {
        int c = (int) count;
        return c < LOG_TF.length ? LOG_TF[c] : (float) (1.0 + Math.log(count));
    }

    private static final float[] LOG_TF = new float[256];

    static {
        for (int c = 1; c < LOG_TF.length; c++) {
            LOG_TF[c] = (float) (1.0 + Math.log(c));
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
