package dev.sieve.gate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
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
}
