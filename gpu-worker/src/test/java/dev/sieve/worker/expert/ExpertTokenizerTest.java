package dev.sieve.worker.expert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.worker.testing.ClassifierGraphs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertTokenizerTest {
    @TempDir
    static Path cache;

    private static ExpertTokenizer headAndTail;
    private static ExpertTokenizer plain;

    @BeforeAll
    static void open() {
        Path json = ClassifierGraphs.resource(ClassifierGraphs.TOKENIZER_RESOURCE, cache);
        headAndTail = ExpertTokenizer.open(json, 16, 4);
        plain = ExpertTokenizer.open(json, 16, 0);
    }

    @AfterAll
    static void close() {
        headAndTail.close();
        plain.close();
    }

    @Test
    void keepHeadAndTail_whenTooLong_keepsLeadingAndTrailingSpecialTokens() {
        long[] ids = {101, 1, 2, 3, 4, 5, 6, 7, 8, 102};

        assertThat(ExpertTokenizer.keepHeadAndTail(ids, 6, 2)).containsExactly(101, 1, 2, 7, 8, 102);
        assertThat(ExpertTokenizer.keepHeadAndTail(ids, 6, 0)).containsExactly(101, 1, 2, 3, 4, 102);
        assertThat(ExpertTokenizer.keepHeadAndTail(ids, 10, 2)).containsExactly(ids);
    }

    @Test
    void tokenize_whenTextIsLong_keepsTheEndingWords() {
        String text = "hello ".repeat(100) + "unsubscribe";

        long[] kept = headAndTail.tokenize(text);
        long[] truncated = plain.tokenize(text);

        assertThat(kept).hasSize(16);
        assertThat(truncated).hasSize(16);
        assertThat(kept[0]).isEqualTo(101L); // [CLS]
        assertThat(kept[15]).isEqualTo(102L); // [SEP]
        assertThat(kept).isNotEqualTo(truncated);
        assertThat(headAndTail.tokenize("unsubscribe")).containsSubsequence(kept[13], kept[14]);
    }

    @Test
    void tokenize_whenEmptyOrNull_returnsOnlySpecialTokens() {
        assertThat(headAndTail.tokenize("")).containsExactly(101, 102);
        assertThat(headAndTail.tokenize(null)).containsExactly(101, 102);
    }

    @Test
    void tokenize_whenTenMegabytes_isBoundedAndFast() {
        String huge = "spam offer ".repeat(1_000_000);

        long start = System.nanoTime();
        long[] ids = headAndTail.tokenize(huge);

        assertThat(ids).hasSize(16);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    }

    @Test
    void tokenize_whenTextIsWithinTheFormerBound_givesTheFormerPathsTokens() {
        Path json = ClassifierGraphs.resource(ClassifierGraphs.TOKENIZER_RESOURCE, cache);
        String[] words = {
            "free",
            "money",
            "unsubscribe",
            "Click",
            "HERE!!!",
            "www.example.com/offer?id=42",
            "caf\u00e9",
            "na\u0131ve",
            "\u4e2d\u6587",
            "\ud83d\ude00",
            "re:",
            "$1,000,000",
            "--",
            "e-mail",
            "A.B.C.",
            "supercalifragilisticexpialidocious",
            "x",
            "\t",
            "\n\n",
            "  ",
            "\u00a0",
            "don't",
            "(50%)"
        };
        java.util.Random random = new java.util.Random(12);
        try (ExpertTokenizer wide = ExpertTokenizer.open(json, 128, 32)) {
            for (ExpertTokenizer tokenizer : java.util.List.of(headAndTail, plain, wide)) {
                int formerBound = (tokenizer.maxTokens() + Math.max(tokenizer.tailTokens(), 1)) * 48;
                for (int n = 0; n < 400; n++) {
                    StringBuilder text = new StringBuilder();
                    int length = 1 + random.nextInt(formerBound);
                    while (text.length() < length) {
                        text.append(words[random.nextInt(words.length)]).append(random.nextInt(5) == 0 ? "" : " ");
                    }
                    String t = text.substring(0, Math.min(text.length(), formerBound));
                    assertThat(tokenizer.tokenize(t))
                            .as(
                                    "%d/%d tokens of a %d-character text",
                                    tokenizer.maxTokens(), tokenizer.tailTokens(), t.length())
                            .containsExactly(tokenizer.reference(t));
                }
            }
        }
    }

    @Test
    void cuts_fallOnSpacesThatSplitNoToken() {
        assertThat(ExpertTokenizer.cutBeforeSpace("ab cd  ef", 8)).isEqualTo(5);
        assertThat(ExpertTokenizer.cutBeforeSpace("abcdef", 4)).isZero();
        assertThat(ExpertTokenizer.startAtSpace("ab  cd ef", 1)).isEqualTo(3);
        assertThat(ExpertTokenizer.startAtSpace("abcdef", 1)).isEqualTo(6);
    }

    @Test
    void open_whenTailTooLarge_explainsTheLimit() {
        Path json = ClassifierGraphs.resource(ClassifierGraphs.TOKENIZER_RESOURCE, cache);

        assertThatThrownBy(() -> ExpertTokenizer.open(json, 16, 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tailTokens must be between 0 and maxTokens/2");
    }
}
