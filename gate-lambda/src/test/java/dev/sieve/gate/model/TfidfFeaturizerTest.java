package dev.sieve.gate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TfidfFeaturizerTest {
    private final TfidfFeaturizer featurizer = new TfidfFeaturizer(18);

    private static float[] uniformIdf(int buckets) {
        float[] idf = new float[buckets];
        Arrays.fill(idf, 1f);
        return idf;
    }

    private int[] sortedBuckets(String text) {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        featurizer.countTerms(text, workspace);
        int[] buckets = Arrays.copyOf(workspace.indices(), workspace.size());
        Arrays.sort(buckets);
        return buckets;
    }

    @Test
    void countTerms_whenCaseAndPunctuationDiffer_hashesToTheSameBuckets() {
        assertThat(sortedBuckets("Free MONEY, now!")).containsExactly(sortedBuckets("free money now"));
    }

    @Test
    void countTerms_whenThreeWords_countsThreeUnigramsAndTwoBigrams() {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();

        featurizer.countTerms("spam spam spam", workspace);

        // one unigram bucket seen 3 times, one bigram bucket ("spam spam") seen twice
        float[] counts = Arrays.copyOf(workspace.values(), workspace.size());
        Arrays.sort(counts);
        assertThat(counts).containsExactly(2f, 3f);
    }

    @Test
    void countTerms_whenSingleCharacterTokens_ignoresThem() {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();

        featurizer.countTerms("a b c", workspace);

        assertThat(workspace.size()).isZero();
    }

    @Test
    void featurize_always_usesSublinearTfAndUnitL2Norm() {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        float[] idf = uniformIdf(featurizer.buckets());

        featurizer.featurize("spam spam spam", idf, workspace);

        float[] values = Arrays.copyOf(workspace.values(), workspace.size());
        Arrays.sort(values);
        double bigram = 1 + Math.log(2);
        double unigram = 1 + Math.log(3);
        double norm = Math.sqrt(bigram * bigram + unigram * unigram);
        assertThat(values[0]).isCloseTo((float) (bigram / norm), within(1e-6f));
        assertThat(values[1]).isCloseTo((float) (unigram / norm), within(1e-6f));
    }

    @Test
    void featurize_whenIdfDiffers_weightsRareTermsHigherAndStaysUnitLength() {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        float[] idf = uniformIdf(featurizer.buckets());
        featurizer.countTerms("rare", workspace);
        int rareBucket = workspace.indices()[0];
        idf[rareBucket] = TfidfFeaturizer.idf(100, 1);

        featurizer.featurize("rare common words here", idf, workspace);

        double squares = 0;
        float rare = 0;
        float other = Float.MAX_VALUE;
        for (int i = 0; i < workspace.size(); i++) {
            squares += workspace.values()[i] * workspace.values()[i];
            if (workspace.indices()[i] == rareBucket) {
                rare = workspace.values()[i];
            } else {
                other = Math.min(other, workspace.values()[i]);
            }
        }
        assertThat(squares).isCloseTo(1.0, within(1e-5));
        assertThat(rare).isGreaterThan(other);
    }

    @Test
    void idf_isSmoothedLogRatio() {
        assertThat(TfidfFeaturizer.idf(9, 4)).isCloseTo((float) (Math.log(10.0 / 5.0) + 1), within(1e-6f));
        assertThat(TfidfFeaturizer.idf(9, 0)).isCloseTo((float) (Math.log(10.0) + 1), within(1e-6f));
    }

    @Test
    void featurize_whenTextIsEmpty_givesTheZeroVector() {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();

        featurizer.featurize("", uniformIdf(featurizer.buckets()), workspace);

        assertThat(workspace.size()).isZero();
    }

    @Test
    void countTerms_whenTextIsLongerThanTheLimit_readsOnlyTheFirstMaxChars() {
        StringBuilder text = new StringBuilder(TfidfFeaturizer.MAX_CHARS + 100);
        while (text.length() < TfidfFeaturizer.MAX_CHARS) {
            text.append("ab ");
        }
        text.setLength(TfidfFeaturizer.MAX_CHARS);
        String head = text.toString();
        String withTail = head + " zzzunique tail words";

        assertThat(sortedBuckets(withTail)).containsExactly(sortedBuckets(head));
    }

    @Test
    void countTerms_whenWorkspaceIsReused_startsFromZero() {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        featurizer.countTerms("one two three four", workspace);

        featurizer.countTerms("spam spam spam", workspace);

        assertThat(workspace.size()).isEqualTo(2);
    }

    private static Map<Integer, Float> counts(TfidfFeaturizer featurizer, String text) {
        TfidfFeaturizer.Workspace workspace = featurizer.newWorkspace();
        featurizer.countTerms(text, workspace);
        Map<Integer, Float> counts = new HashMap<>();
        for (int i = 0; i < workspace.size(); i++) {
            counts.put(workspace.indices()[i], workspace.values()[i]);
        }
        return counts;
    }

    private static Map<Integer, Float> expected(TfidfFeaturizer featurizer, String... ngrams) {
        Map<Integer, Float> counts = new HashMap<>();
        for (String ngram : ngrams) {
            counts.merge(featurizer.ngramBucket(ngram), 1f, Float::sum);
        }
        return counts;
    }

    @Test
    void countTerms_whenCharsAndTwoWords_countsTheTwelveNgramsOfTheSpacePaddedWords() {
        TfidfFeaturizer chars = new TfidfFeaturizer(20, FeatureMode.CHARS);

        Map<Integer, Float> counts = counts(chars, "ab cd");

        // " ab " gives 3 bigrams, 2 trigrams, 1 four-gram (no 5-gram); the same for " cd ".
        assertThat(counts)
                .hasSize(12)
                .isEqualTo(expected(
                        chars, " a", "ab", "b ", " ab", "ab ", " ab ", " c", "cd", "d ", " cd", "cd ", " cd "));
    }

    @Test
    void countTerms_whenCharsAndARepeatedBigram_countsIt() {
        TfidfFeaturizer chars = new TfidfFeaturizer(20, FeatureMode.CHARS);

        Map<Integer, Float> counts = counts(chars, "ABAB!");

        // " abab ": 5 bigrams (ab twice), 4 trigrams, 3 four-grams, 2 five-grams = 14 n-grams, 13 distinct
        assertThat(counts)
                .hasSize(13)
                .isEqualTo(expected(
                        chars, " a", "ab", "ba", "ab", "b ", " ab", "aba", "bab", "ab ", " aba", "abab", "bab ",
                        " abab", "abab "));
        assertThat(counts.get(chars.ngramBucket("ab"))).isEqualTo(2f);
    }

    @Test
    void countTerms_whenCharsAndOneLetterWord_padsItToo() {
        TfidfFeaturizer chars = new TfidfFeaturizer(20, FeatureMode.CHARS);

        assertThat(counts(chars, "a")).isEqualTo(expected(chars, " a", "a ", " a "));
    }

    @Test
    void countTerms_whenChars_splitsWordsAtPunctuationAndIgnoresCase() {
        TfidfFeaturizer chars = new TfidfFeaturizer(18, FeatureMode.CHARS);

        assertThat(counts(chars, "AB--cd...")).isEqualTo(counts(chars, "ab cd"));
    }

    @Test
    void countTerms_whenBoth_addsWordTermsToTheNgrams() {
        TfidfFeaturizer both = new TfidfFeaturizer(20, FeatureMode.BOTH);
        Map<Integer, Float> words = counts(new TfidfFeaturizer(20, FeatureMode.WORDS), "ab cd");
        Map<Integer, Float> union = counts(new TfidfFeaturizer(20, FeatureMode.CHARS), "ab cd");
        words.forEach((bucket, count) -> union.merge(bucket, count, Float::sum));

        Map<Integer, Float> counts = counts(both, "ab cd");

        // 2 unigrams + 1 bigram beside the 12 character n-grams
        assertThat(words).hasSize(3);
        assertThat(counts).isEqualTo(union);
    }

    @Test
    void countTerms_whenWords_hashesAsFormatVersion1Did() {
        // Bundles written before character n-grams must keep their buckets: "spam" and "spam spam".
        assertThat(sortedBuckets("spam spam")).containsExactly(33_797, 60_131);
    }

    @Test
    void featurize_whenBothOnceWarm_allocatesNothingPerText() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        TfidfFeaturizer both = new TfidfFeaturizer(18, FeatureMode.BOTH);
        float[] idf = uniformIdf(both.buckets());
        TfidfFeaturizer.Workspace workspace = both.newWorkspace();
        String[] texts = {
            "Free MONEY now, click here!!!", "Grüße aus Köln, 2026 — naïve café", "x".repeat(5_000), "a b c d e f g"
        };
        for (int round = 0; round < 2_000; round++) {
            both.featurize(texts[round % texts.length], idf, workspace);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 2_000; round++) {
            both.featurize(texts[round % texts.length], idf, workspace);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // 2,000 texts featurized; a single allocation per text would already exceed this bound.
        assertThat(allocated).isLessThan(2_000);
    }

    @Test
    void constructor_whenModeIsMissing_saysSo() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TfidfFeaturizer(18, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("feature mode");
    }
}
