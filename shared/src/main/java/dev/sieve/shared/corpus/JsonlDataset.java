package dev.sieve.shared.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Labeled JSON Lines: one {@code {"id": .., "text": .., "label": ..}} object per line. {@code id}
 * may be a string or a number (defaults to {@code line-N} when absent); {@code text} and {@code
 * label} are required non-empty strings. Blank lines are skipped. Every error names the file, the
 * line number and the field.
 */
public final class JsonlDataset {

    private JsonlDataset() {}

    /** Reads and validates every line of {@code file}. */
    public static List<LabeledText> read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new CorpusException("data file " + file + " does not exist");
        } catch (IOException e) {
            throw new CorpusException("cannot read data file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads labeled JSON Lines from {@code in}; {@code source} names it in error messages. */
    public static List<LabeledText> read(InputStream in, String source) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<LabeledText> examples = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        int lineNumber = 0;
        boolean more = true;
        while (more) {
            line.reset();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            more = b != -1;
            if (!more && line.size() == 0) {
                break;
            }
            lineNumber++;
            String text;
            try {
                text = decoder.decode(ByteBuffer.wrap(line.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                throw new CorpusException(source + " line " + lineNumber + ": not valid UTF-8 (" + e.getMessage()
                        + "); save the file as UTF-8");
            }
            if (text.isBlank()) {
                continue;
            }
            LabeledText example = parseLine(text, lineNumber, source);
            if (!ids.add(example.id())) {
                throw new CorpusException(
                        source + " line " + lineNumber + ": id '" + example.id() + "' appears more than once");
            }
            examples.add(example);
        }
        if (examples.isEmpty()) {
            throw new CorpusException(
                    source + " holds no examples; expected one {\"id\",\"text\",\"label\"}" + " JSON object per line");
        }
        return examples;
    }

    private static LabeledText parseLine(String line, int lineNumber, String source) {
        String where = source + " line " + lineNumber;
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            throw new CorpusException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new CorpusException(where + ": expected a JSON object {\"id\",\"text\",\"label\"}");
        }
        JsonNode idNode = node.get("id");
        String id;
        if (idNode == null || idNode.isNull()) {
            id = "line-" + lineNumber;
        } else if (idNode.isTextual() || idNode.isNumber()) {
            id = idNode.asText();
        } else {
            throw new CorpusException(where + ": field 'id' must be a string or a number");
        }
        String text = requiredString(node, "text", where);
        String label = requiredString(node, "label", where);
        if (text.isBlank()) {
            throw new CorpusException(where + " (id '" + id + "'): field 'text' is empty");
        }
        if (label.isBlank()) {
            throw new CorpusException(where + " (id '" + id + "'): field 'label' is empty");
        }
        return new LabeledText(id, text, label.strip());
    }

    private static String requiredString(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new CorpusException(where + ": field '" + field + "' is missing");
        }
        if (!value.isTextual()) {
            throw new CorpusException(where + ": field '" + field + "' must be a string, was "
                    + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return value.asText();
    }

    /** Writes {@code examples} as labeled JSON Lines (UTF-8). */
    public static void write(Path file, List<LabeledText> examples) {
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            for (LabeledText example : examples) {
                Map<String, String> line = new LinkedHashMap<>();
                line.put("id", example.id());
                line.put("text", example.text());
                line.put("label", example.label());
                writer.write(Json.write(line));
                writer.write('\n');
            }
        } catch (IOException e) {
            throw new CorpusException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
