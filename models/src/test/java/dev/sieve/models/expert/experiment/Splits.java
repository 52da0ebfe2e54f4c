package dev.sieve.models.expert.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a split exported as JSON Lines {@code {"id","text","label"}}. */
final class Splits {
    private Splits() {}

    static List<LabeledText> read(Path jsonl) throws IOException {
        List<LabeledText> rows = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = Json.mapper().readTree(line);
            rows.add(new LabeledText(
                    node.get("id").asText(),
                    node.get("text").asText(),
                    node.get("label").asText()));
        }
        return rows;
    }
}
