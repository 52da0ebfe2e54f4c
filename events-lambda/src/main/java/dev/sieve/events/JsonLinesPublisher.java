package dev.sieve.events;

import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local mode's {@link EventPublisher}: each event as one line of JSON appended to a file, shaped as
 * EventBridge delivers it to a rule's target ({@code source}, {@code detail-type}, {@code detail}), so a
 * consumer written against the file reads the bus the same way.
 */
public final class JsonLinesPublisher implements EventPublisher {
    private final Path file;

    public JsonLinesPublisher(Path file) {
        this.file = file;
    }

    @Override
    public synchronized int publish(List<SieveEvent> events) {
        StringBuilder lines = new StringBuilder();
        for (SieveEvent event : events) {
            lines.append(Json.write(envelope(event))).append('\n');
        }
        try {
            Files.writeString(
                    file,
                    lines,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append events to " + file + ": " + e.getMessage(), e);
        }
        return events.size();
    }

    /** The event as a bus target receives it (EventBridge's own field names). */
    static Map<String, Object> envelope(SieveEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("source", SieveEvent.SOURCE);
        line.put("detail-type", event.detailType());
        line.put("detail", event.detail());
        return line;
    }

    public Path file() {
        return file;
    }
}
