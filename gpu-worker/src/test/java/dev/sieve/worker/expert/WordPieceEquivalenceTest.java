package dev.sieve.worker.expert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.worker.testing.ClassifierGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain-Java WordPiece engine gives the HuggingFace library's ids: on every code point (in three
 * contexts), on tricky strings, and on variants of the BERT normalizer's flags. The whole SpamAssassin
 * corpus is compared by {@code sieve bench tokenizer} ({@code TokenizerBenchIT}).
 */
class WordPieceEquivalenceTest {
    @TempDir
    static Path cache;

    private static Path minilm;
    private static ExpertTokenizer java;
    private static ExpertTokenizer library;

    static final List<String> TRICKY = List.of(
            "",
            " ",
            "Hello, World! FREE money $$$ now!!! http://example.com/offer?id=42&x=y",
            "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00c5ngstr\u00f6m Stra\u00dfe \u0130stanbul \u03a3\u039f\u03a6\u0399\u0391 \u03c3\u03bf\u03c6\u03af\u03b1\u03c2",
            "e\u0301 a\u0308\u0301 \u1e9b\u0323 \ufb01nance \u2126 \u212b \u00bd \u2460",
            "\u4e2d\u6587\u5b57\u7b26abc\u65e5\u672c\u8a9e \u3053\u3093\u306b\u3061\u306f \ud55c\uad6d\uc5b4 \uf900\ud87e\udc00",
            "\ud83d\ude00 smile\ud83d\ude00 \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 \u2764\ufe0f \ud83c\uddfa\ud83c\uddf8 \ud83e\udd70",
            "ctrl\u0000a\u0001b\u0007c\u000bd\u000ce\u001bf\u007fg\u0085h\u00a0i\u1680j\u2028k\u2029l\u200bm\ufeffn\ufffdo",
            "tabs\tand\nnew\r\nlines\u3000ideographic\u202fnarrow",
            "x".repeat(100) + " " + "y".repeat(101) + " " + "\u00e9".repeat(101) + " " + "\u4e2d".repeat(150),
            "supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopic",
            "[CLS] [SEP] [UNK] [MASK] [PAD] [cls] [SEP[SEP]] a[SEP]b [ SEP ] [SEP",
            "lone \ud800 surrogate \udc00 pair\ud83d",
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0939\u093f\u0928\u094d\u0926\u0940 \u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u0561\u0562",
            "\uff21\uff22\uff23\uff01\uff1f \u201cquoted\u201d \u2018single\u2019 \u2014 \u2026 \u00a7 \u00b6 \u2022 \u20ac100 \u00a9\u00ae\u2122",
            "don't e-mail A.B.C. 3.14 1,000,000 re: RE: Fwd: =?iso-8859-1?q?hi?= <b>bold</b> a_b a~b a^b a`b a|b",
            "\u166d \u1734 \ud804\uddc9 \ud805\udf1e a\u061db \u0890 \u2e43");

    @BeforeAll
    static void open() {
        minilm = ClassifierGraphs.resource(ClassifierGraphs.TOKENIZER_RESOURCE, cache);
        java = ExpertTokenizer.open(minilm, 256, 64, ExpertTokenizer.Engine.WORD_PIECE);
        library = ExpertTokenizer.open(minilm, 256, 64, ExpertTokenizer.Engine.HUGGING_FACE);
    }

    @AfterAll
    static void close() {
        java.close();
        library.close();
    }

    @Test
    void open_whenBertWordPiece_choosesTheJavaEngine() {
        try (ExpertTokenizer chosen = ExpertTokenizer.open(minilm, 256, 64)) {
            assertThat(chosen.engine()).isEqualTo(ExpertTokenizer.Engine.WORD_PIECE);
        }
    }

    @Test
    void ids_onTrickyStrings_equalTheLibrarys() {
        for (String text : TRICKY) {
            assertThat(java.allIds(text)).as("ids of %s", text).containsExactly(library.allIds(text));
            assertThat(java.tokenize(text)).as("kept ids of %s", text).containsExactly(library.tokenize(text));
        }
        String joined = String.join(" ", TRICKY).repeat(20);
        assertThat(java.tokenize(joined)).containsExactly(library.tokenize(joined));
    }

    @Test
    void ids_onEveryCodePointOfTheFirstTwoPlanesAndASampleOfTheRest_equalTheLibrarys() {
        String[][] contexts = {{"a", "b"}, {"\u00e9", ""}, {"", ""}};
        List<String> mismatched = new ArrayList<>();
        for (String[] context : contexts) {
            for (int from = 0; from <= Character.MAX_CODE_POINT; from += 1024) {
                int step = from < 0x20000 ? 1 : 97;
                StringBuilder text = new StringBuilder();
                for (int cp = from; cp < from + 1024 && cp <= Character.MAX_CODE_POINT; cp += step) {
                    if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                        text.append(context[0])
                                .appendCodePoint(cp)
                                .append(context[1])
                                .append(' ');
                    }
                }
                String t = text.toString();
                if (!Arrays.equals(java.allIds(t), library.allIds(t))) {
                    mismatched.add(String.format("U+%04X.. after '%s'", from, context[0]));
                }
            }
        }
        assertThat(mismatched)
                .as("blocks of 1,024 code points whose ids differ")
                .isEmpty();
    }

    @Test
    void ids_whenNormalizerFlagsOrPostProcessorVary_equalTheLibrarys() throws IOException {
        List<Consumer<ObjectNode>> variants = List.of(
                root -> normalizer(root).put("lowercase", false),
                root -> normalizer(root).put("strip_accents", false),
                root -> normalizer(root).put("lowercase", false).put("strip_accents", true),
                root -> normalizer(root).put("handle_chinese_chars", false),
                root -> normalizer(root).put("clean_text", false),
                root -> {
                    ObjectNode post = root.putObject("post_processor").put("type", "BertProcessing");
                    post.putArray("sep").add("[SEP]").add(102);
                    post.putArray("cls").add("[CLS]").add(101);
                });
        String text = String.join(" ", TRICKY);
        for (int i = 0; i < variants.size(); i++) {
            Path file = variant(i, variants.get(i));
            try (ExpertTokenizer j = ExpertTokenizer.open(file, 256, 64, ExpertTokenizer.Engine.WORD_PIECE);
                    ExpertTokenizer l = ExpertTokenizer.open(file, 256, 64, ExpertTokenizer.Engine.HUGGING_FACE)) {
                for (String t : TRICKY) {
                    assertThat(j.allIds(t)).as("variant %d on %s", i, t).containsExactly(l.allIds(t));
                }
                assertThat(j.allIds(text)).as("variant %d", i).containsExactly(l.allIds(text));
            }
        }
    }

    @Test
    void open_whenShapeIsNotBertWordPiece_fallsBackToTheLibraryAndSaysWhyWordPieceCannot() throws IOException {
        Path other = variant(99, root -> ((ObjectNode) root.get("pre_tokenizer")).put("type", "Whitespace"));

        try (ExpertTokenizer chosen = ExpertTokenizer.open(other, 256, 64)) {
            assertThat(chosen.engine()).isEqualTo(ExpertTokenizer.Engine.HUGGING_FACE);
            assertThat(chosen.tokenize("hello, world")).startsWith(101L).endsWith(102L);
        }
        assertThatThrownBy(() -> ExpertTokenizer.open(other, 256, 64, ExpertTokenizer.Engine.WORD_PIECE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pre-tokenizer is not BertPreTokenizer");
    }

    private static ObjectNode normalizer(ObjectNode root) {
        return (ObjectNode) root.get("normalizer");
    }

    private static Path variant(int n, Consumer<ObjectNode> change) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(minilm.toFile());
        change.accept(root);
        Path file = cache.resolve("variant-" + n + ".json");
        Files.writeString(file, mapper.writeValueAsString(root));
        return file;
    }
}
