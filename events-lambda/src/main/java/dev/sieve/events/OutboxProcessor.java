package dev.sieve.events;

import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.metrics.Metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One batch of the table's stream, in shard order: the changes that are events ({@link SieveEvents}) are
 * published; the first one that could not be is reported, so the stream gives it and everything after it
 * again (at least once; a consumer deduplicates on {@link SieveEvent#id}). Nothing is skipped but changes
 * that are not events.
 */
public final class OutboxProcessor {
    private final EventPublisher publisher;
    private final Metrics metrics;

    public OutboxProcessor(EventPublisher publisher, Metrics metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /**
     * What one batch came to.
     *
     * @param changes stream records in the batch
     * @param events of those, events
     * @param delivered events published
     * @param retryFrom the sequence number of the first record whose event was not published (the batch
     *     item failure to report); empty when every event went
     */
    public record Outcome(int changes, int events, int delivered, Optional<String> retryFrom) {}

    public Outcome process(List<TableChange> changes) {
        List<SieveEvent> events = new ArrayList<>();
        List<String> sequences = new ArrayList<>();
        for (TableChange change : changes) {
            SieveEvents.of(change).ifPresent(event -> {
                events.add(event);
                sequences.add(change.sequenceNumber());
            });
        }
        int delivered = events.isEmpty() ? 0 : Math.max(0, Math.min(events.size(), publisher.publish(events)));
        metrics.record(
                Map.of(),
                Map.of(
                        "EventsPublished", Metric.count(delivered),
                        "EventsNotPublished", Metric.count(events.size() - delivered)));
        Optional<String> retryFrom =
                delivered == events.size() ? Optional.empty() : Optional.of(sequences.get(delivered));
        return new Outcome(changes.size(), events.size(), delivered, retryFrom);
    }
}
