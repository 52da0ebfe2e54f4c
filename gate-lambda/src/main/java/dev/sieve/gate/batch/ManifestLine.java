package dev.sieve.gate.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.GateConfig;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One parsed manifest line: {@code {"id": "..", "text": ".."}} ({@code id} optional: the line number is
 * used). A line that breaks a rule carries an error instead, and its output line says why.
 */
record ManifestLine(String id, String text, String error) {
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    /**
     * Parses the line held in {@code bytes[from, to)} (UTF-8, no line break). The usual line, one object
     * with a string {@code text} and a string or integer {@code id} (each once), is read with a streaming
     * parser straight from the bytes: no String of the whole chunk, no per-line copy, no tree. Anything
     * else (an error, a repeated field, trailing content, malformed UTF-8) is decided by {@link
     * #parse(String, long)} on the decoded line, so both paths give the same answer for every line.
     */
    static ManifestLine parse(byte[] bytes, int from, int to, long lineNumber) {
        ManifestLine usual = parseUsual(bytes, from, to, lineNumber);
        return usual != null ? usual : parse(new String(bytes, from, to - from, StandardCharsets.UTF_8), lineNumber);
    }

    /** The usual, valid line; null for anything else (the caller then takes the exact path). */
    private static ManifestLine parseUsual(byte[] bytes, int from, int to, long lineNumber) {
        // Jackson guesses a byte source's encoding from its first bytes (a BOM, zero bytes: UTF-16/32); the
        // String path reads UTF-8 only. A line that opens with '{' and no zero byte is UTF-8 to both.
        if (to - from < 4
                || bytes[from] != '{'
                || bytes[from + 1] == 0
                || bytes[from + 2] == 0
                || bytes[from + 3] == 0) {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(bytes, from, to - from)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String id = null;
            String text = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("id")) {
                    if (id != null) {
                        return null;
                    }
                    if (value == JsonToken.VALUE_STRING) {
                        id = parser.getText();
                    } else if (value == JsonToken.VALUE_NUMBER_INT) {
                        id = parser.getNumberValue().toString(); // as the tree's IntNode/LongNode/BigIntegerNode
                    } else {
                        return null;
                    }
                } else if (name.equals("text")) {
                    if (text != null || value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    text = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
            if (id == null) {
                id = Long.toString(lineNumber);
            }
            if (text == null || text.isEmpty() || id.isEmpty() || id.length() > GateConfig.MAX_ID_LENGTH) {
                return null;
            }
            return new ManifestLine(id, text, null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

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
