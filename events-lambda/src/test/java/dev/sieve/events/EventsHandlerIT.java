package dev.sieve.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.sieve.shared.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The events handler over the wire: a real EventBridge SDK client against {@link PutEventsServer}, fed
 * Lambda DynamoDB stream events as the event source sends them.
 */
class EventsHandlerIT {
    private static final String BUS = "sieve-events-test";

    private PutEventsServer server;
    private EventBridgeClient client;
    private final List<Long> pauses = new ArrayList<>();
    private EventsHandler handler;

    @BeforeEach
    void start() throws Exception {
        server = new PutEventsServer();
        client = EventBridgeClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)))
                .build();
        handler = new EventsHandler(
                new OutboxProcessor(new EventBridgePublisher(client, BUS, pauses::add), Metrics.noop()));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void handleRequest_putsOneEventPerFinalTransition_inCallsOfTen() {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            records.add(record(Changes.requestCompleted(Integer.toString(100 + i), "acme", "r-" + i)));
            // between them, changes that are not events (a counter moving)
            Map<String, String> pending = Changes.requestMeta("acme/x-" + i, "PENDING", "async");
            records.add(
                    record(Changes.modify(Integer.toString(200 + i), pending, Changes.with(pending, "answered", "1"))));
        }

        StreamsEventResponse response = handler.handleRequest(event(records), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(server.callSizes()).containsExactly(10, 10, 5);
        assertThat(server.taken()).hasSize(25);
        PutEventsServer.Taken first = server.taken().get(0);
        assertThat(first.bus()).isEqualTo(BUS);
        assertThat(first.source()).isEqualTo("sieve");
        assertThat(first.detailType()).isEqualTo("Sieve Request Completed");
        assertThat(first.detail().get("event_id").asText()).isEqualTo("request:acme/r-0:complete");
        assertThat(server.taken().stream().map(t -> t.detail().get("request_id").asText()))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25)
                        .mapToObj(i -> "r-" + i)
                        .toList());
    }

    @Test
    void handleRequest_whenPutEventsRefusesSomeEntries_putsThemAgainAndLosesNothing() {
        server.refuse("request:acme/r-2:complete", 2);
        server.refuse("request:acme/r-5:complete", 1);
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            records.add(record(Changes.requestCompleted(Integer.toString(i), "acme", "r-" + i)));
        }

        StreamsEventResponse response = handler.handleRequest(event(records), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        // 8 entries, then the 2 refused ones again, then the one refused twice
        assertThat(server.callSizes()).containsExactly(8, 2, 1);
        assertThat(pauses).containsExactly(100L, 200L);
        assertThat(server.taken().stream().map(t -> t.detail().get("request_id").asText()))
                .containsExactlyInAnyOrder("r-0", "r-1", "r-2", "r-3", "r-4", "r-5", "r-6", "r-7");
    }

    @Test
    void handleRequest_whenAnEntryIsRefusedEveryTime_reportsItsRecordSoTheStreamGivesItAgain() {
        server.refuseAlways(detail -> detail.path("request_id").asText().equals("r-13"));
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(record(Changes.requestCompleted("seq-" + i, "acme", "r-" + i)));
        }

        StreamsEventResponse response = handler.handleRequest(event(records), null);

        assertThat(response.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("seq-13");
        assertThat(pauses).hasSize(EventBridgePublisher.ATTEMPTS - 1);
        // everything before the refused entry went, and the rest of its call (they will go again: at least
        // once); no later call is made past it
        assertThat(server.taken().stream().map(t -> t.detail().get("request_id").asText()))
                .contains("r-0", "r-9", "r-10", "r-12", "r-14", "r-19")
                .doesNotContain("r-13", "r-20", "r-29");
        assertThat(server.callSizes()).containsExactly(10, 10, 1, 1, 1);
    }

    @Test
    void handleRequest_whenEventBridgeIsDown_reportsTheFirstEventsRecord() {
        server.failCalls(1_000);
        Map<String, String> counter = Changes.requestMeta("acme/c", "PENDING", "async");
        List<DynamodbEvent.DynamodbStreamRecord> records = List.of(
                record(Changes.modify("seq-0", counter, Changes.with(counter, "answered", "1"))),
                record(Changes.requestCompleted("seq-1", "acme", "r-1")),
                record(Changes.requestCompleted("seq-2", "acme", "r-2")));

        StreamsEventResponse response = handler.handleRequest(event(records), null);

        assertThat(response.getBatchItemFailures())
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("seq-1");
        assertThat(server.taken()).isEmpty();
    }

    @Test
    void handleRequest_whenNoRecordIsAnEvent_callsNothing() {
        Map<String, String> pending = Changes.requestMeta("acme/c", "PENDING", "async");
        StreamsEventResponse response = handler.handleRequest(
                event(List.of(record(Changes.modify("1", pending, Changes.with(pending, "answered", "1"))))), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(server.callSizes()).isEmpty();
    }

    private static DynamodbEvent event(List<DynamodbEvent.DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    /** A stream record as Lambda delivers it (NEW_AND_OLD_IMAGES). */
    private static DynamodbEvent.DynamodbStreamRecord record(TableChange change) {
        StreamRecord stream = new StreamRecord();
        stream.setSequenceNumber(change.sequenceNumber());
        stream.setStreamViewType(
                com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_AND_OLD_IMAGES);
        stream.setOldImage(image(change.oldImage()));
        stream.setNewImage(image(change.newImage()));
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName(change.kind());
        record.setEventSource("aws:dynamodb");
        record.setDynamodb(stream);
        return record;
    }

    private static Map<String, AttributeValue> image(Map<String, String> scalars) {
        Map<String, AttributeValue> image = new HashMap<>();
        scalars.forEach((name, value) -> {
            boolean number = value.chars().allMatch(Character::isDigit) && !value.isEmpty();
            image.put(name, number ? new AttributeValue().withN(value) : new AttributeValue().withS(value));
        });
        return image;
    }
}
