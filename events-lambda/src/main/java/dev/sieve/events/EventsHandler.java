package dev.sieve.events;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.sieve.events.internal.StreamImages;
import dev.sieve.shared.metrics.EmfMetrics;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The events Lambda: a batch of the table's stream (filtered to final META rows by the event source) in,
 * EventBridge events out ({@link OutboxProcessor}). The first record whose event did not go is reported as a
 * batch item failure, so Lambda gives it and the rest of the batch again; after the event source's retries
 * the batch's description goes to its on-failure queue.
 */
public final class EventsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final OutboxProcessor processor;

    public EventsHandler() {
        EventsConfig config = EventsConfig.fromEnvironment(System.getenv());
        EventBridgeClient client = EventBridgeClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(
                        o -> o.apiCallTimeout(Duration.ofSeconds(10)).apiCallAttemptTimeout(Duration.ofSeconds(3)))
                .build();
        this.processor = new OutboxProcessor(
                new EventBridgePublisher(client, config.busName()),
                EmfMetrics.toStdout(config.metricsNamespace(), "events"));
    }

    EventsHandler(OutboxProcessor processor) {
        this.processor = processor;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<TableChange> changes = event.getRecords() == null
                ? List.of()
                : event.getRecords().stream().map(StreamImages::change).toList();
        OutboxProcessor.Outcome outcome = processor.process(changes);
        return StreamsEventResponse.builder()
                .withBatchItemFailures(outcome.retryFrom()
                        .map(sequence -> List.of(StreamsEventResponse.BatchItemFailure.builder()
                                .withItemIdentifier(sequence)
                                .build()))
                        .orElse(List.of()))
                .build();
    }
}
