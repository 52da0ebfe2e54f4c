package dev.sieve.gate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.GateConfig;
import dev.sieve.shared.json.Json;
import java.io.IOException;

/**
 * One parsed manifest line: {@code {"id": "..", "text": ".."}} ({@code id} optional: the line number is
 * used). A line that breaks a rule carries an error instead, and its output line says why.
 */
record ManifestLine(String id, String text, String error) {

    static ManifestLine parse(String line, long lineNumber) {
        String fallbackId = Long.toString(lineNumber);
        if (line.isBlank()) {
            return new ManifestLine(fallbackId, null, "line is empty; expected {\"id\": .., \"text\": ..}");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (IOException e) {
            return new ManifestLine(fallbackId, null, "line is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            return new ManifestLine(fallbackId, null, "line must be a JSON object with a 'text' field");
        }
        JsonNode idNode = node.get("id");
        String id = fallbackId;
        if (idNode != null && !idNode.isNull()) {
            if (!(idNode.isTextual() || idNode.isIntegralNumber())
                    || idNode.asText().isEmpty()
                    || idNode.asText().length() > GateConfig.MAX_ID_LENGTH) {
                return new ManifestLine(
                        fallbackId,
                        null,
                        "id must be a non-empty string of at most " + GateConfig.MAX_ID_LENGTH + " characters");
            }
            id = idNode.asText();
        }
        JsonNode textNode = node.get("text");
        if (textNode == null || !textNode.isTextual() || textNode.asText().isEmpty()) {
            return new ManifestLine(id, null, "text must be a non-empty string");
        }
        return new ManifestLine(id, textNode.asText(), null);
    }
}
