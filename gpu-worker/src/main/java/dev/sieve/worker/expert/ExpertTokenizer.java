package dev.sieve.worker.expert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A HuggingFace tokenizer that keeps the head and the tail of long texts: the first {@code maxTokens
 * - tailTokens} tokens (with the leading special token) and the last {@code tailTokens} tokens (with
 * the trailing special token). Spam tells often sit in the signature or unsubscribe footer, which
 * plain truncation drops. {@code tailTokens = 0} is plain truncation. Thread-safe.
 */
public final class ExpertTokenizer implements AutoCloseable {
    /** Characters kept from each end before tokenizing, per token wanted; bounds the cost of huge texts. */
    private static final int CHARS_PER_TOKEN_BOUND = 48;

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
        String bounded = boundCharacters(text == null ? "" : text);
        Encoding encoding = tokenizer.encode(bounded, true, false);
        return keepHeadAndTail(encoding.getIds(), maxTokens, tailTokens);
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
