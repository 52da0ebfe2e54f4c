package dev.sieve.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * {@link EventPublisher} on EventBridge: {@code PutEvents} in calls of {@value #ENTRIES_PER_CALL} entries
 * (its limit), and the entries a call answers with an error code ({@code FailedEntryCount} &gt; 0: throttled,
 * an internal failure) put again, alone, up to {@value #ATTEMPTS} times with a doubling pause. A whole call
 * that fails (after the SDK's own retries) leaves its entries and all after them undelivered, so the stream
 * gives them again. The SDK retries the call itself; this retries what a call that succeeded did not take.
 */
public final class EventBridgePublisher implements EventPublisher {
    /** PutEvents takes at most 10 entries per call. */
    static final int ENTRIES_PER_CALL = 10;
    /** Tries of an entry a call answered with an error code, the first one included. */
    static final int ATTEMPTS = 4;

    static final long FIRST_PAUSE_MS = 100;

    private final EventBridgeClient client;
    private final String busName;
    private final LongConsumer sleeper;

    public EventBridgePublisher(EventBridgeClient client, String busName) {
        this(client, busName, EventBridgePublisher::sleep);
    }

    EventBridgePublisher(EventBridgeClient client, String busName, LongConsumer sleeper) {
        this.client = Objects.requireNonNull(client, "client");
        this.busName = Objects.requireNonNull(busName, "busName");
        this.sleeper = sleeper;
    }

    @Override
    public int publish(List<SieveEvent> events) {
        for (int from = 0; from < events.size(); from += ENTRIES_PER_CALL) {
            List<Integer> left = putWithRetries(events, from, Math.min(events.size(), from + ENTRIES_PER_CALL));
            if (!left.isEmpty()) {
                // Keep the stream's order: the first undelivered event is given again with all after it.
                return left.get(0);
            }
        }
        return events.size();
    }

    /** Puts events {@code [from, to)}; the indexes of those still not taken after the retries, ascending. */
    private List<Integer> putWithRetries(List<SieveEvent> events, int from, int to) {
        List<Integer> pending = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pending.add(i);
        }
        long pause = FIRST_PAUSE_MS;
        for (int attempt = 1; ; attempt++) {
            List<Integer> failed;
            try {
                failed = put(events, pending);
            } catch (SdkException e) {
                return pending; // the SDK retried the call already; the stream will give it again
            }
            if (failed.isEmpty() || attempt == ATTEMPTS) {
                return failed;
            }
            sleeper.accept(pause);
            pause *= 2;
            pending = failed;
        }
    }

    /** One PutEvents call of the events at {@code indexes}; those it answered with an error code, in order. */
    private List<Integer> put(List<SieveEvent> all, List<Integer> indexes) {
        List<SieveEvent> events = indexes.stream().map(all::get).toList();
        List<PutEventsRequestEntry> entries = events.stream()
                .map(event -> PutEventsRequestEntry.builder()
                        .eventBusName(busName)
                        .source(SieveEvent.SOURCE)
                        .detailType(event.detailType())
                        .detail(event.detailJson())
                        .build())
                .toList();
        PutEventsResponse response = client.putEvents(b -> b.entries(entries));
        if (response.failedEntryCount() == null || response.failedEntryCount() == 0) {
            return List.of();
        }
        List<Integer> failed = new ArrayList<>();
        List<PutEventsResultEntry> results = response.entries();
        for (int i = 0; i < events.size(); i++) {
            // Result entries are in the request's order; one without an event id was not taken.
            PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
            if (result == null || result.errorCode() != null || result.eventId() == null) {
                failed.add(indexes.get(i));
            }
        }
        return failed;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry PutEvents", e);
        }
    }
}
