package dev.sieve.gate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestLineTest {

    @Test
    void parse_whenIdAndText_keepsBoth() {
        ManifestLine line = ManifestLine.parse("{\"id\":\"m-1\",\"text\":\"hello\"}", 7);
        assertThat(line).isEqualTo(new ManifestLine("m-1", "hello", null));
    }

    @Test
    void parse_whenNoId_usesTheLineNumber() {
        assertThat(ManifestLine.parse("{\"text\":\"hello\"}", 7).id()).isEqualTo("7");
    }

    @Test
    void parse_whenNotJson_carriesAnError() {
        ManifestLine line = ManifestLine.parse("not json", 3);
        assertThat(line.error()).contains("not valid JSON");
        assertThat(line.id()).isEqualTo("3");
    }

    @Test
    void parse_whenTextMissing_carriesAnError() {
        assertThat(ManifestLine.parse("{\"id\":\"x\"}", 0).error()).contains("text must be");
    }

    @Test
    void parse_whenEmptyLine_carriesAnError() {
        assertThat(ManifestLine.parse("  ", 0).error()).contains("empty");
    }
}
