package dev.sieve.worker.expert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A HuggingFace tokenizer that keeps the head and the tail of long texts: the first {@code maxTokens
 * - tailTokens} tokens (with the leading special token) and the last {@code tailTokens} tokens (with
 * the trailing special token). Spam tells often sit in the signature or unsubscribe footer, which
 * plain truncation drops. {@code tailTokens = 0} is plain truncation. Thread-safe.
 *
 * <p>Speed: the tokenizer's cost grows with the characters it reads (about 0.6 µs per character on a
 * shared 2-core box), so a long text is not tokenized whole. The head is tokenized from a prefix of
 * about {@value #CHARS_PER_TOKEN_FIRST_TRY} characters per token wanted, cut before a space, and the
 * tail from a suffix that starts at a space; a cut at a space splits no token, so those tokens are the
 * whole text's own. When a piece yields too few tokens (a text of long words or much whitespace) its
 * bound doubles, up to {@value #CHARS_PER_TOKEN_BOUND} characters per token, where the former bounded
 * path takes over. Measured on SpamAssassin (first 4,000 characters of texts of 20+ tokens, MiniLM):
 * characters per token p50 3.46, p99 5.00, max 5.86. Only token ids cross JNI (not the token strings,
 * offsets and masks a full {@link Encoding} carries).
 */
public final class ExpertTokenizer implements AutoCloseable {
    /** Characters kept from each end before tokenizing, per token wanted; bounds the cost of huge texts. */
    private static final int CHARS_PER_TOKEN_BOUND = 48;
    /** The first bound tried per token wanted, above the corpus's largest measured ratio (5.86). */
    static final int CHARS_PER_TOKEN_FIRST_TRY = 6;

    static {
        // DJL otherwise queries the EC2 instance-metadata endpoint ("call home") when its native
        // library loads; the tokenizer's native library ships inside the jar, so nothing is downloaded
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;
    private final int tailTokens;

    private ExpertTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens, int tailTokens) {
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.tailTokens = tailTokens;
    }

    public static ExpertTokenizer open(Path tokenizerJson, int maxTokens, int tailTokens) {
        if (maxTokens < 8) {
            throw new IllegalArgumentException("maxTokens must be at least 8, got " + maxTokens);
        }
        if (tailTokens < 0 || tailTokens > maxTokens / 2) {
            throw new IllegalArgumentException(
                    "tailTokens must be between 0 and maxTokens/2 (" + maxTokens / 2 + "), got " + tailTokens);
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                    tokenizerJson, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
            return new ExpertTokenizer(tokenizer, maxTokens, tailTokens);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int tailTokens() {
        return tailTokens;
    }

    /** Token ids with special tokens, at most {@link #maxTokens()} long; null text is treated as empty. */
    public long[] tokenize(String text) {
        String t = text == null ? "" : text;
        int headWanted = maxTokens - tailTokens - 1; // ids from the start, [CLS] included
        int tailWanted = tailTokens + 1; // ids from the end, [SEP] included
        // Enough characters for every token the text can keep: one pass over the whole text.
        if (t.length() <= (maxTokens + 1) * CHARS_PER_TOKEN_FIRST_TRY) {
            return keepHeadAndTail(ids(t), maxTokens, tailTokens);
        }
        long[] head = null;
        int headEnd = 0;
        for (int perToken = CHARS_PER_TOKEN_FIRST_TRY; perToken < CHARS_PER_TOKEN_BOUND; perToken *= 2) {
            headEnd = cutBeforeSpace(t, (headWanted + 1) * perToken);
            if (headEnd <= 0) {
                break;
            }
            long[] ids = ids(t.substring(0, headEnd));
            if (ids.length - 1 > headWanted) { // one token to spare beyond what is kept
                head = ids;
                break;
            }
        }
        if (head == null) {
            return reference(t);
        }
        if (tailTokens == 0) {
            return keepHeadAndTail(head, maxTokens, 0);
        }
        for (int perToken = CHARS_PER_TOKEN_FIRST_TRY; perToken < CHARS_PER_TOKEN_BOUND; perToken *= 2) {
            int tailStart = startAtSpace(t, t.length() - (tailWanted + 1) * perToken);
            if (tailStart < headEnd) {
                break; // the pieces would overlap: the text has fewer tokens than its length suggests
            }
            long[] tail = ids(t.substring(tailStart));
            if (tail.length - 1 > tailWanted) {
                long[] kept = new long[maxTokens];
                System.arraycopy(head, 0, kept, 0, headWanted);
                System.arraycopy(tail, tail.length - tailWanted, kept, headWanted, tailWanted);
                return kept;
            }
        }
        return reference(t);
    }

    /** The former path: head and tail of the text cut at a fixed character bound, tokenized together. */
    long[] reference(String text) {
        return keepHeadAndTail(ids(boundCharacters(text == null ? "" : text)), maxTokens, tailTokens);
    }

    /** Token ids (with special tokens) and nothing else. */
    private long[] ids(String text) {
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, true);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    /** The end of a prefix of at most {@code limit} characters that ends just before a space (0 if none). */
    static int cutBeforeSpace(String text, int limit) {
        for (int i = Math.min(limit, text.length() - 1); i > 0; i--) {
            if (text.charAt(i) == ' ' && !Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The start of a suffix beginning at or after {@code from} with a space that a non-space follows (so
     * a byte-level BPE keeps that space with its word, as in the whole text); the text's length if none.
     */
    static int startAtSpace(String text, int from) {
        for (int i = Math.max(0, from); i < text.length() - 1; i++) {
            if (text.charAt(i) == ' ' && !Character.isWhitespace(text.charAt(i + 1))) {
                return i;
            }
        }
        return text.length();
    }

    /** Keeps the first {@code max - tail} ids and the last {@code tail} ids (both ends keep their special token). */
    static long[] keepHeadAndTail(long[] ids, int max, int tail) {
        if (ids.length <= max) {
            return ids;
        }
        long[] kept = new long[max];
        int head = max - tail - 1;
        System.arraycopy(ids, 0, kept, 0, head);
        // the last tail content tokens plus the closing special token
        System.arraycopy(ids, ids.length - tail - 1, kept, head, tail + 1);
        return kept;
    }

    private String boundCharacters(String text) {
        int headChars = maxTokens * CHARS_PER_TOKEN_BOUND;
        int tailChars = Math.max(tailTokens, 1) * CHARS_PER_TOKEN_BOUND;
        if (text.length() <= headChars + tailChars) {
            return text;
        }
        if (Character.isHighSurrogate(text.charAt(headChars - 1))) {
            headChars--;
        }
        int tailStart = text.length() - tailChars;
        if (Character.isLowSurrogate(text.charAt(tailStart))) {
            tailStart++;
        }
        String head = text.substring(0, headChars);
        return tailTokens == 0 ? head : head + " " + text.substring(tailStart);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
