package dev.sieve.shared.queue;

import java.util.Objects;

/**
 * One item inside a queue message.
 *
 * @param id stable item id, unique within its request or job; results are keyed by it
 * @param text the text to classify
 * @param gateProbabilities the gate's class probabilities (same order as the bundle's labels); the
 *     expert may use them as an input feature, and results report them
 * @param line for batch-transform jobs, the 0-based line number in the manifest (orders the output);
 *     null for API requests
 */
public record QueueItem(String id, String text, float[] gateProbabilities, Long line) {
    public QueueItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }

    public static QueueItem of(String id, String text, float[] gateProbabilities) {
        return new QueueItem(id, text, gateProbabilities, null);
    }
}
