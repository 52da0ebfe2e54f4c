package dev.sieve.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The part-file codec: JSON Lines of {@link PartLine} ({@code {"line":n,"result":{..}}}), ordered by
 * line, at {@link BucketLayout#part}. The only writer and reader of the format.
 */
public final class PartFiles {
    /** Which tier wrote a part file (the {@code <tier>} of its key). */
    public enum Source {
        GATE("gate"),
        EXPERT("expert");

        private final String keyName;

        Source(String keyName) {
            this.keyName = keyName;
        }
    }

    private PartFiles() {}

    public static String key(String jobId, Source source, int chunk) {
        return BucketLayout.part(jobId, source.keyName, chunk);
    }

    /** Writes one line after another; the separator goes between lines, the last newline after them. */
    private static final ObjectWriter LINES =
            Json.mapper().writerFor(PartLine.class).withRootValueSeparator("\n");

    /**
     * The part file of {@code lines}, sorted by manifest line. One generator writes every line into one
     * buffer sized for the usual ~130-byte line (a generator and a byte array per line cost more than the
     * JSON itself).
     */
    public static byte[] encode(List<PartLine> lines) {
        List<PartLine> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparingLong(PartLine::line));
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, sorted.size() * 160));
        try (SequenceWriter writer = LINES.writeValues(out)) {
            for (PartLine line : sorted) {
                writer.write(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a part file", e);
        }
        if (!sorted.isEmpty()) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    /**
     * Reads a part file line by line. Also reads the flat shape (an {@link ItemResult} with a {@code
     * line} field) that workers wrote before this codec existed, so a job that spans a rolling update
     * still assembles.
     */
    public static void decode(InputStream in, Consumer<PartLine> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String text;
            while ((text = reader.readLine()) != null) {
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node = Json.mapper().readTree(text);
                JsonNode result = node.has("result") ? node.get("result") : node;
                sink.accept(new PartLine(
                        node.path("line").asLong(-1), Json.mapper().treeToValue(result, ItemResult.class)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("part file is not valid JSON Lines: " + e.getMessage(), e);
        }
    }

    public static List<PartLine> decode(byte[] bytes) {
        List<PartLine> lines = new ArrayList<>();
        decode(new java.io.ByteArrayInputStream(bytes), lines::add);
        return lines;
    }
}
