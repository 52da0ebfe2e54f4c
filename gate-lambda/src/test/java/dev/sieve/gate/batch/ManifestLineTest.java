package dev.sieve.gate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.gate.GateConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** Lines of every shape: the byte parser must agree with the String parser on each. */
    private static final List<String> SHAPES = List.of(
            "{\"id\":\"m-1\",\"text\":\"hello\"}",
            "{\"text\":\"hello\",\"id\":\"m-1\"}",
            "{\"text\":\"h\u00e9llo \\u00e9 \\n \\\" \u4e2d\ud83d\ude00\"}",
            "{\"id\":42,\"text\":\"x\"}",
            "{\"id\":-0,\"text\":\"x\"}",
            "{\"id\":123456789012345678901234567890,\"text\":\"x\"}",
            "{\"id\":1.5,\"text\":\"x\"}",
            "{\"id\":true,\"text\":\"x\"}",
            "{\"id\":null,\"text\":\"x\"}",
            "{\"id\":\"\",\"text\":\"x\"}",
            "{\"id\":\"" + "a".repeat(GateConfig.MAX_ID_LENGTH + 1) + "\",\"text\":\"x\"}",
            "{\"id\":\"a\",\"text\":\"\"}",
            "{\"id\":\"a\",\"text\":7}",
            "{\"id\":\"a\",\"text\":null}",
            "{\"id\":\"a\"}",
            "{\"id\":\"a\",\"id\":\"b\",\"text\":\"x\"}",
            "{\"id\":\"a\",\"text\":\"x\",\"text\":\"y\"}",
            "{\"id\":\"a\",\"meta\":{\"text\":\"inner\",\"n\":[1,{\"id\":2}]},\"text\":\"outer\"}",
            "{\"id\":\"a\",\"text\":\"x\"} trailing",
            "{\"id\":\"a\",\"text\":\"x\"} {\"id\":\"b\"}",
            "{\"id\":\"a\",\"text\":\"x\"}   ",
            "   {\"id\":\"a\",\"text\":\"x\"}",
            "{\"id\":\"a\",\"text\":\"x\"",
            "[1,2]",
            "null",
            "\"text\"",
            "42",
            "not json",
            "",
            "   ",
            "\u2003",
            "\ufeff{\"id\":\"a\",\"text\":\"x\"}",
            "{}");

    @Test
    void parseBytes_whenAnyShape_agreesWithTheStringParser() {
        for (String shape : SHAPES) {
            byte[] line = shape.getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[line.length + 6];
            System.arraycopy(line, 0, padded, 3, line.length);
            assertThat(ManifestLine.parse(padded, 3, 3 + line.length, 11))
                    .as(shape)
                    .isEqualTo(ManifestLine.parse(shape, 11));
        }
    }

    @Test
    void parseBytes_whenTheLineLooksLikeUtf16_readsItAsUtf8AsTheStringParserDoes() {
        byte[] utf16 = "{\"id\":\"a\",\"text\":\"x\"}".getBytes(StandardCharsets.UTF_16LE);

        assertThat(ManifestLine.parse(utf16, 0, utf16.length, 5))
                .isEqualTo(ManifestLine.parse(new String(utf16, StandardCharsets.UTF_8), 5));
    }

    @Test
    void parseBytes_whenMalformedUtf8InText_readsItAsTheStringParserDoes() {
        byte[] prefix = "{\"id\":\"a\",\"text\":\"ab".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "cd\"}".getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        line[prefix.length] = (byte) 0xE2;
        line[prefix.length + 1] = (byte) 0x82;
        System.arraycopy(suffix, 0, line, prefix.length + 2, suffix.length);

        ManifestLine parsed = ManifestLine.parse(line, 0, line.length, 0);

        assertThat(parsed).isEqualTo(ManifestLine.parse(new String(line, StandardCharsets.UTF_8), 0));
        assertThat(parsed.text()).isEqualTo("ab\ufffdcd");
    }
}
