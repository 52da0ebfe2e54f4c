package dev.sieve.gate;

import dev.sieve.shared.json.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-line JSON logs on standard output (CloudWatch Logs in Lambda). Callers pass ids and counts,
 * never payloads or credentials.
 */
public final class JsonLog {
    private static final PrintStream OUT = System.out;

    private JsonLog() {}

    public static void info(String message, Map<String, ?> fields) {
        write("INFO", message, fields, null);
    }

    public static void warn(String message, Map<String, ?> fields) {
        write("WARN", message, fields, null);
    }

    public static void error(String message, Map<String, ?> fields, Throwable error) {
        write("ERROR", message, fields, error);
    }

    private static void write(String level, String message, Map<String, ?> fields, Throwable error) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        line.putAll(fields);
        if (error != null) {
            line.put("error", error.getClass().getName() + ": " + error.getMessage());
            StringBuilder trace = new StringBuilder();
            for (StackTraceElement element : error.getStackTrace()) {
                trace.append(element).append('\n');
            }
            line.put("stack", trace.toString());
        }
        String json = Json.write(line);
        synchronized (OUT) {
            OUT.println(json);
        }
    }
}
