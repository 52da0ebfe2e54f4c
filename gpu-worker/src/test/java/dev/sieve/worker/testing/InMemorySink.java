package dev.sieve.worker.testing;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.worker.ResultSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Idempotent in-memory results keyed by request id + item id, like the DynamoDB layout. */
public final class InMemorySink implements ResultSink {
    private final Map<String, ItemResult> results = new LinkedHashMap<>();
    private int writes;

    @Override
    public synchronized Outcome write(QueueMessage message, List<QueueItem> items, List<ItemResult> itemResults) {
        writes++;
        int fresh = 0;
        for (ItemResult r : itemResults) {
            if (results.putIfAbsent(message.requestId() + "/" + r.id(), r) == null) {
                fresh++;
            }
        }
        return new Outcome(fresh, fresh > 0);
    }

    public synchronized Map<String, ItemResult> results() {
        return Map.copyOf(results);
    }

    public synchronized int writes() {
        return writes;
    }
}
