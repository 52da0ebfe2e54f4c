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
    void open_whenTailTooLarge_explainsTheLimit() {
        Path json = ClassifierGraphs.resource(ClassifierGraphs.TOKENIZER_RESOURCE, cache);

        assertThatThrownBy(() -> ExpertTokenizer.open(json, 16, 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tailTokens must be between 0 and maxTokens/2");
    }
}
