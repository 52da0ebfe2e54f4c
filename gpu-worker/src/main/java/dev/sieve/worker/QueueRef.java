package dev.sieve.worker;

import dev.sieve.shared.queue.Priority;
import java.util.Locale;
import java.util.Objects;

/** One queue the worker polls: its priority and URL. */
public record QueueRef(Priority priority, String url) {
    public QueueRef {
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(url, "url");
    }

    /** Low-cardinality name for logs and metric dimensions. */
    public String label() {
        return priority.name().toLowerCase(Locale.ROOT);
    }
}
