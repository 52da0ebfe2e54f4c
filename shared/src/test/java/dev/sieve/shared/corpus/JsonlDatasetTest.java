package dev.sieve.shared.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlDatasetTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.write(dir.resolve("data.jsonl"), content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void read_whenValidLines_returnsExamplesAndSkipsBlankLines() throws IOException {
        Path file = file("{\"id\":\"a\",\"text\":\"hello\",\"label\":\"ham\"}\n\n"
                + "{\"id\":7,\"text\":\"buy now\",\"label\":\"spam\"}\n{\"text\":\"x y\",\"label\":\"other\"}");

        assertThat(JsonlDataset.read(file))
                .containsExactly(
                        new LabeledText("a", "hello", "ham"),
                        new LabeledText("7", "buy now", "spam"),
                        new LabeledText("line-4", "x y", "other"));
    }

    @Test
    void read_whenTextIsEmpty_namesLineAndField() throws IOException {
        Path file = file(
                "{\"id\":\"a\",\"text\":\"ok\",\"label\":\"ham\"}\n{\"id\":\"b\",\"text\":\"  \",\"label\":\"ham\"}\n");

        assertThatThrownBy(() -> JsonlDataset.read(file))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("'b'")
                .hasMessageContaining("field 'text' is empty");
    }

    @Test
    void read_whenLabelMissing_namesLineAndField() throws IOException {
        Path file = file("{\"id\":\"a\",\"text\":\"ok\"}\n");

        assertThatThrownBy(() -> JsonlDataset.read(file))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("field 'label' is missing");
    }

    @Test
    void read_whenLabelIsNotAString_saysWhatItWas() throws IOException {
        Path file = file("{\"id\":\"a\",\"text\":\"ok\",\"label\":3}\n");

        assertThatThrownBy(() -> JsonlDataset.read(file)).hasMessageContaining("field 'label' must be a string");
    }

    @Test
    void read_whenBytesAreNotUtf8_namesTheLine() throws IOException {
        byte[] good = "{\"id\":\"a\",\"text\":\"ok\",\"label\":\"ham\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, good);
        Files.write(file, bad, java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> JsonlDataset.read(file))
                .isInstanceOf(CorpusException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void read_whenLineIsNotJson_namesTheLine() throws IOException {
        Path file = file("{\"id\":\"a\",\"text\":\"ok\",\"label\":\"ham\"}\nnot json\n");

        assertThatThrownBy(() -> JsonlDataset.read(file)).hasMessageContaining("line 2: not valid JSON");
    }

    @Test
    void read_whenIdRepeats_namesTheId() throws IOException {
        Path file = file(
                "{\"id\":\"a\",\"text\":\"ok\",\"label\":\"ham\"}\n{\"id\":\"a\",\"text\":\"no\",\"label\":\"ham\"}\n");

        assertThatThrownBy(() -> JsonlDataset.read(file)).hasMessageContaining("id 'a' appears more than once");
    }

    @Test
    void read_whenFileMissing_saysSo() {
        assertThatThrownBy(() -> JsonlDataset.read(dir.resolve("nope.jsonl"))).hasMessageContaining("does not exist");
    }

    @Test
    void write_thenRead_roundTrips() {
        List<LabeledText> examples =
                List.of(new LabeledText("1", "line\nbreak \"quoted\" ünïcode", "a"), new LabeledText("2", "b", "b"));
        Path file = dir.resolve("round.jsonl");

        JsonlDataset.write(file, examples);

        assertThat(JsonlDataset.read(file)).isEqualTo(examples);
    }
}
