package dev.sieve.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One labeled item a load run sends: its id, its text and the label it should get. */
public record LabeledItem(String id, String text, String label) {

    /** Reads {@code {"id":..,"text":..,"label":..}} JSON Lines; a bad line stops with its number and field. */
    public static List<LabeledItem> readJsonLines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --data " + file + ": " + e.getMessage(), e);
        }
        List<LabeledItem> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.read(line, JsonNode.class);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON");
            }
            for (String field : List.of("id", "text", "label")) {
                if (!node.path(field).isTextual() || node.path(field).asText().isEmpty()) {
                    throw new IllegalArgumentException(
                            file + " line " + (i + 1) + ": field '" + field + "' must be a non-empty string");
                }
            }
            items.add(new LabeledItem(
                    node.get("id").asText(),
                    node.get("text").asText(),
                    node.get("label").asText()));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no items");
        }
        return List.copyOf(items);
    }
}
