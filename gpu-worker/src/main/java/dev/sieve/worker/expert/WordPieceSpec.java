package dev.sieve.worker.expert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts of a {@code tokenizer.json} that {@link WordPieceTokenizer} reproduces, read only when the
 * file has exactly the shape of a BERT WordPiece tokenizer: normalizer {@code BertNormalizer},
 * pre-tokenizer {@code BertPreTokenizer}, model {@code WordPiece}, post-processor {@code
 * TemplateProcessing} ({@code [CLS] $A [SEP]}) or {@code BertProcessing}, added tokens matched in the
 * raw text only. Anything else (BPE, Unigram, other normalizers or pre-tokenizers, normalized or
 * word-bound added tokens) is reported as unsupported, and the HuggingFace library serves it.
 * Truncation and padding settings are ignored: {@link ExpertTokenizer} truncates, the batch pads.
 */
record WordPieceSpec(
        Map<String, Integer> vocabulary,
        int unknownId,
        String continuationPrefix,
        int maxCharsPerWord,
        boolean cleanText,
        boolean chineseChars,
        boolean stripAccents,
        boolean lowercase,
        List<AddedToken> addedTokens,
        long leadingId,
        long trailingId) {

    record AddedToken(String content, int id) {}

    /** Thrown when the file is valid but not of the supported shape; the message says why. */
    static final class UnsupportedException extends Exception {
        UnsupportedException(String message) {
            super(message);
        }
    }

    private static final Set<String> TOP_LEVEL = Set.of(
            "version",
            "truncation",
            "padding",
            "added_tokens",
            "normalizer",
            "pre_tokenizer",
            "model",
            "post_processor",
            "decoder");

    static WordPieceSpec read(Path tokenizerJson) throws UnsupportedException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            require(TOP_LEVEL.contains(name), "unknown top-level field '" + name + "'");
        }
        JsonNode model = root.path("model");
        require(model.path("type").asText().equals("WordPiece"), "model type is not WordPiece");
        require(model.path("vocab").isObject(), "model has no vocab object");
        Map<String, Integer> vocabulary = new HashMap<>();
        model.path("vocab")
                .fields()
                .forEachRemaining(e -> vocabulary.put(e.getKey(), e.getValue().asInt()));
        String unknown = model.path("unk_token").asText("[UNK]");
        require(vocabulary.containsKey(unknown), "the unknown token is not in the vocabulary");
        String prefix = model.path("continuing_subword_prefix").asText("##");
        int maxChars = model.path("max_input_chars_per_word").asInt(100);

        JsonNode normalizer = root.path("normalizer");
        require(normalizer.path("type").asText().equals("BertNormalizer"), "normalizer is not BertNormalizer");
        boolean lowercase = flag(normalizer, "lowercase", true);
        JsonNode strip = normalizer.path("strip_accents");
        boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        require(
                root.path("pre_tokenizer").path("type").asText().equals("BertPreTokenizer"),
                "pre-tokenizer is not BertPreTokenizer");

        List<AddedToken> added = new ArrayList<>();
        for (JsonNode token : root.path("added_tokens")) {
            String content = token.path("content").asText();
            require(!content.isEmpty() && content.charAt(0) < 128, "an added token does not start with ASCII");
            require(
                    !token.path("normalized").asBoolean(true)
                            && !token.path("single_word").asBoolean(false)
                            && !token.path("lstrip").asBoolean(false)
                            && !token.path("rstrip").asBoolean(false),
                    "added token '" + content + "' is normalized or word-bound");
            added.add(new AddedToken(content, token.path("id").asInt()));
        }
        long[] ends = specialTokens(root.path("post_processor"));
        return new WordPieceSpec(
                Map.copyOf(vocabulary),
                vocabulary.get(unknown),
                prefix,
                maxChars,
                flag(normalizer, "clean_text", true),
                flag(normalizer, "handle_chinese_chars", true),
                stripAccents,
                lowercase,
                List.copyOf(added),
                ends[0],
                ends[1]);
    }

    /** The leading and trailing special token ids of a single sequence. */
    private static long[] specialTokens(JsonNode post) throws UnsupportedException {
        String type = post.path("type").asText();
        if (type.equals("BertProcessing")) {
            require(post.path("cls").size() == 2 && post.path("sep").size() == 2, "BertProcessing without cls/sep");
            return new long[] {
                post.path("cls").get(1).asLong(), post.path("sep").get(1).asLong()
            };
        }
        require(type.equals("TemplateProcessing"), "post-processor is neither TemplateProcessing nor BertProcessing");
        JsonNode single = post.path("single");
        require(
                single.size() == 3
                        && single.get(0).has("SpecialToken")
                        && single.get(1).path("Sequence").path("id").asText().equals("A")
                        && single.get(2).has("SpecialToken"),
                "the template for one sequence is not [special] $A [special]");
        return new long[] {
            specialId(post, single.get(0).path("SpecialToken").path("id").asText()),
            specialId(post, single.get(2).path("SpecialToken").path("id").asText())
        };
    }

    private static long specialId(JsonNode post, String name) throws UnsupportedException {
        JsonNode ids = post.path("special_tokens").path(name).path("ids");
        require(ids.isArray() && ids.size() == 1, "special token '" + name + "' is not one id");
        return ids.get(0).asLong();
    }

    private static boolean flag(JsonNode node, String name, boolean fallback) throws UnsupportedException {
        JsonNode value = node.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        require(value.isBoolean(), "normalizer." + name + " is not a boolean");
        return value.asBoolean();
    }

    private static void require(boolean condition, String reason) throws UnsupportedException {
        if (!condition) {
            throw new UnsupportedException(reason);
        }
    }
}
