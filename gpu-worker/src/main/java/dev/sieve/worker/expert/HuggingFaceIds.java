package dev.sieve.worker.expert;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Token ids from the HuggingFace tokenizers library (through DJL's JNI binding): every {@code
 * tokenizer.json} the library reads (BPE, Unigram, WordPiece of any shape). Only token ids cross JNI,
 * not the token strings, offsets and masks of a full encoding. Thread-safe.
 */
final class HuggingFaceIds implements TokenIds {
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

    HuggingFaceIds(Path tokenizerJson) {
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(
                    tokenizerJson, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long[] ids(String text, int from, int to) {
        String piece = from == 0 && to == text.length() ? text : text.substring(from, to);
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), piece, true);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
