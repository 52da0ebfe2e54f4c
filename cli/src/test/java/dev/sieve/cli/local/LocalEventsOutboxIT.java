package dev.sieve.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.ChunkLimits;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.GateEntry;
import dev.sieve.events.JsonLinesPublisher;
import dev.sieve.events.SieveEvent;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Local mode's outbox end to end: the real stores change requests and jobs in DynamoDB Local, its stream
 * carries the changes, and the same event code as the events Lambda writes them as JSON lines.
 */
class LocalEventsOutboxIT {
    private static LocalAws aws;
    private static DynamoDbClient dynamoDb;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        aws = LocalAws.start();
        dynamoDb = aws.dynamoDbClient();
        s3 = aws.s3Client();
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
        s3.close();
        aws.close();
    }

    @Test
    void poll_whenRequestsAndJobsFinish_writesOneEventPerFinalTransition(@TempDir Path dir) throws Exception {
        // a table (and so a stream) of this test's own
        SieveResources resources = SieveResources.create(aws, "events-it-final");
        Path file = dir.resolve("events.jsonl");
        DynamoDbRequestStore requests =
                new DynamoDbRequestStore(dynamoDb, s3, resources.tableName(), resources.bucketName());
        DynamoDbJobStore jobs = new DynamoDbJobStore(dynamoDb, resources.tableName());
        long now = System.currentTimeMillis();
        long ttl = now / 1000 + 3600;
        List<GateEntry> entries =
                List.of(new GateEntry("1", "spam", 0.55, true), new GateEntry("2", "ham", 0.99, false));

        try (LocalEventsOutbox outbox = LocalEventsOutbox.start(
                AwsBackend.of(aws), resources.tableName(), new JsonLinesPublisher(file), null)) {
            // escalated, then failed: one event
            requests.create("acme/r-failed", "async", "size", entries, 1, now, ttl);
            requests.fail("acme/r-failed", "dead_letter", "items", "the expert could not answer");
            // answered whole by the gate: async is an event, real-time is not (the caller has the answer)
            requests.create("acme/r-async", "async", "size", entries, 0, now, ttl);
            requests.create("acme/r-realtime", "realtime", "size", entries, 0, now, ttl);
            // a job that cannot finish
            jobs.create("acme/j-1", "s3://b/jobs/in/acme/m.jsonl", "etag", new ChunkLimits(1000, 1 << 20), now, ttl);
            jobs.fail("acme/j-1", "the manifest changed while the job ran", now);
            // a second failure of the same request changes nothing (conditional): no second event
            requests.fail("acme/r-failed", "deadline", "items", "passed its deadline");

            List<JsonNode> lines = readUntil(outbox, file, 3);

            assertThat(lines)
                    .extracting(l -> l.get("detail-type").asText())
                    .containsExactly(SieveEvent.REQUEST_FAILED, SieveEvent.REQUEST_COMPLETED, SieveEvent.JOB_FAILED);
            assertThat(lines)
                    .allSatisfy(l -> assertThat(l.get("source").asText()).isEqualTo("sieve"));
            assertThat(lines)
                    .extracting(l -> l.at("/detail/event_id").asText())
                    .containsExactly(
                            "request:acme/r-failed:failed", "request:acme/r-async:complete", "job:acme/j-1:failed");
            assertThat(lines.get(0).at("/detail/reason/code").asText()).isEqualTo("dead_letter");
            assertThat(lines.get(2).at("/detail/manifest").asText()).isEqualTo("s3://b/jobs/in/acme/m.jsonl");
            assertThat(Files.readString(file)).doesNotContain("spam").doesNotContain("gate_results");
        }
    }

    @Test
    void poll_whenPublishingFails_readsTheSameRecordsAgain(@TempDir Path dir) throws Exception {
        SieveResources resources = SieveResources.create(aws, "events-it-retry");
        Path file = dir.resolve("events.jsonl");
        JsonLinesPublisher lines = new JsonLinesPublisher(file);
        AtomicInteger calls = new AtomicInteger();
        DynamoDbRequestStore requests =
                new DynamoDbRequestStore(dynamoDb, s3, resources.tableName(), resources.bucketName());
        try (LocalEventsOutbox outbox = LocalEventsOutbox.start(
                AwsBackend.of(aws),
                resources.tableName(),
                events -> {
                    // the first delivery fails outright; later ones go to the file
                    return calls.incrementAndGet() == 1 ? 0 : lines.publish(events);
                },
                null)) {
            long now = System.currentTimeMillis();
            requests.create("acme/r-retry", "async", "size", List.of(), 0, now, now / 1000 + 3600);

            List<JsonNode> read = readUntil(outbox, file, 1);

            assertThat(calls.get()).isGreaterThanOrEqualTo(2);
            assertThat(read)
                    .extracting(l -> l.at("/detail/event_id").asText())
                    .containsExactly("request:acme/r-retry:complete");
        }
    }

    private static List<JsonNode> readUntil(LocalEventsOutbox outbox, Path file, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        List<JsonNode> lines = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            outbox.poll();
            lines.clear();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    lines.add(Json.mapper().readTree(line));
                }
            }
            if (lines.size() >= count) {
                break;
            }
            Thread.sleep(200);
        }
        return lines;
    }
}
