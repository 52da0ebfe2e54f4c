package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartFilesTest {

    @Test
    void encode_whenManyLines_isEachLineAsJsonThenANewlineInLineOrder() {
        List<PartLine> lines = new ArrayList<>();
        for (int i = 200; i >= 0; i--) {
            lines.add(
                    i % 7 == 0
                            ? new PartLine(
                                    i, new ItemResult("e-" + i, null, 0, Tier.GATE, null, null, "text must be \"x\""))
                            : new PartLine(
                                    i,
                                    ItemResult.gate(
                                            "id-" + i + "\u00e9", i % 2 == 0 ? "spam" : "ham", 0.5 + i / 1000.0)));
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        lines.stream()
                .sorted(java.util.Comparator.comparingLong(PartLine::line))
                .forEach(line -> {
                    expected.writeBytes(Json.writeBytes(line));
                    expected.write('\n');
                });

        byte[] encoded = PartFiles.encode(lines);

        assertThat(encoded).isEqualTo(expected.toByteArray());
        assertThat(PartFiles.decode(encoded)).hasSize(lines.size());
        assertThat(PartFiles.decode(encoded).get(0)).isEqualTo(lines.get(lines.size() - 1));
    }

    @Test
    void encode_whenNoLines_isEmpty() {
        assertThat(PartFiles.encode(List.of())).isEmpty();
    }
}
