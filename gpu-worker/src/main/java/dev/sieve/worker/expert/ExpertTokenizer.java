package dev.sieve.worker.expert;

import java.nio.file.Path;

/**
 * The expert's tokenizer: keeps the head and the tail of long texts: the first {@code maxTokens
 * - tailTokens} tokens (with the leading special token) and the last {@code tailTokens} tokens (with
 * the trailing special token). Spam tells often sit in the signature or unsubscribe footer, which
 * plain truncation drops. {@code tailTokens = 0} is plain truncation. Thread-safe.
 *
 * <p>Engine: a BERT WordPiece {@code tokenizer.json} (MiniLM, bge) runs on {@link WordPieceTokenizer},
 * plain Java with ids equal to the HuggingFace library's; any other file runs on the library ({@link
 * HuggingFaceIds}). Both are fed the same pieces of text, so the truncation below is the same.
 *
 * <p>Speed: the cost grows with the characters read (the library: about 0.6 µs per character on a
 * shared 2-core box), so a long text is not tokenized whole. The head is tokenized from a prefix of
 * about {@value #CHARS_PER_TOKEN_FIRST_TRY} characters per token wanted, cut before a space, and the
 * tail from a suffix that starts at a space; a cut at a space splits no token, so those tokens are the
 * whole text's own. When a piece yields too few tokens (a text of long words or much whitespace) its
 * bound doubles, up to {@value #CHARS_PER_TOKEN_BOUND} characters per token, where the former bounded
 * path takes over. Measured on SpamAssassin (first 4,000 characters of texts of 20+ tokens, MiniLM):
 * characters per token p50 3.46, p99 5.00, max 5.86.
 */
public final class ExpertTokenizer implements AutoCloseable {
    /** Characters kept from each end before tokenizing, per token wanted; bounds the cost of huge texts. */
    private static final int CHARS_PER_TOKEN_BOUND = 48;
    /** The first bound tried per token wanted, above the corpus's largest measured ratio (5.86). */
    static final int CHARS_PER_TOKEN_FIRST_TRY = 6;

    /** Which implementation turns text into token ids. */
    public enum Engine {
        /** Plain Java ({@link WordPieceTokenizer}): BERT WordPiece files of the supported shape only. */
        WORD_PIECE,
        /** The HuggingFace tokenizers library through DJL: any {@code tokenizer.json}. */
        HUGGING_FACE
    }

    private final TokenIds tokenizer;
    private final Engine engine;
    private final int maxTokens;
    private final int tailTokens;

    private ExpertTokenizer(TokenIds tokenizer, Engine engine, int maxTokens, int tailTokens) {
        this.tokenizer = tokenizer;
        this.engine = engine;
        this.maxTokens = maxTokens;
        this.tailTokens = tailTokens;
    }

    /**
     * The plain-Java WordPiece tokenizer when {@code tokenizer.json} has its supported shape (the BERT
     * tokenizers of MiniLM and bge), else the HuggingFace library.
     */
    public static ExpertTokenizer open(Path tokenizerJson, int maxTokens, int tailTokens) {
        checkLimits(maxTokens, tailTokens);
        try {
            return new ExpertTokenizer(
                    new WordPieceTokenizer(WordPieceSpec.read(tokenizerJson)),
                    Engine.WORD_PIECE,
                    maxTokens,
                    tailTokens);
        } catch (WordPieceSpec.UnsupportedException e) {
            return new ExpertTokenizer(new HuggingFaceIds(tokenizerJson), Engine.HUGGING_FACE, maxTokens, tailTokens);
        }
    }

    /**
     * The given engine; {@link Engine#WORD_PIECE} on a file of another shape is refused with the reason.
     *
     * @throws IllegalArgumentException when the engine cannot read this file
     */
    public static ExpertTokenizer open(Path tokenizerJson, int maxTokens, int tailTokens, Engine engine) {
        checkLimits(maxTokens, tailTokens);
        if (engine == Engine.HUGGING_FACE) {
            return new ExpertTokenizer(new HuggingFaceIds(tokenizerJson), engine, maxTokens, tailTokens);
        }
        try {
            return new ExpertTokenizer(
                    new WordPieceTokenizer(WordPieceSpec.read(tokenizerJson)), engine, maxTokens, tailTokens);
        } catch (WordPieceSpec.UnsupportedException e) {
            throw new IllegalArgumentException(
                    "the WordPiece engine cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    private static void checkLimits(int maxTokens, int tailTokens) {
        if (maxTokens < 8) {
            throw new IllegalArgumentException("maxTokens must be at least 8, got " + maxTokens);
        }
        if (tailTokens < 0 || tailTokens > maxTokens / 2) {
            throw new IllegalArgumentException(
                    "tailTokens must be between 0 and maxTokens/2 (" + maxTokens / 2 + "), got " + tailTokens);
        }
    }

    /** Which implementation this tokenizer runs. */
    public Engine engine() {
        return engine;
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
            return keepHeadAndTail(tokenizer.ids(t, 0, t.length()), maxTokens, tailTokens);
        }
        long[] head = null;
        int headEnd = 0;
        for (int perToken = CHARS_PER_TOKEN_FIRST_TRY; perToken < CHARS_PER_TOKEN_BOUND; perToken *= 2) {
            headEnd = cutBeforeSpace(t, (headWanted + 1) * perToken);
            if (headEnd <= 0) {
                break;
            }
            long[] ids = tokenizer.ids(t, 0, headEnd);
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
            long[] tail = tokenizer.ids(t, tailStart, t.length());
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
        String bounded = boundCharacters(text == null ? "" : text);
        return keepHeadAndTail(tokenizer.ids(bounded, 0, bounded.length()), maxTokens, tailTokens);
    }

    /** The ids of the whole text with its special tokens, untruncated (for comparing engines). */
    public long[] allIds(String text) {
        return tokenizer.ids(text, 0, text.length());
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
