package dev.sieve.cli.local;

import dev.sieve.events.EventPublisher;
import dev.sieve.events.OutboxProcessor;
import dev.sieve.events.TableChange;
import dev.sieve.shared.metrics.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Local mode's stand-in for the stack's stream event source and events Lambda: reads the table's stream
 * (DynamoDB Local serves the Streams API) on a timer and hands each batch to the same {@link
 * OutboxProcessor} the Lambda runs, so local events are built by the same code ({@code SieveEvents}) from
 * the same state changes. A batch that could not be published is read again from its first unpublished
 * record on the next tick (at least once, as in AWS).
 */
final class LocalEventsOutbox implements AutoCloseable {
    /** How often local mode reads the stream. */
    static final Duration INTERVAL = Duration.ofMillis(500);

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final OutboxProcessor processor;
    /** Shard id → the iterator to read next, or the sequence number to read again from. */
    private final Map<String, String> iterators = new LinkedHashMap<>();

    private final Map<String, String> retryFrom = new HashMap<>();
    /** Shard id → the sequence number of the last record processed (to resume after an expired iterator). */
    private final Map<String, String> lastRead = new HashMap<>();

    private volatile boolean failing;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sieve-events");
        thread.setDaemon(true);
        return thread;
    });

    private LocalEventsOutbox(DynamoDbStreamsClient streams, String streamArn, EventPublisher publisher) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.processor = new OutboxProcessor(publisher, Metrics.noop());
    }

    /**
     * Reads {@code table}'s stream from its beginning every {@link #INTERVAL} (or only when {@link #poll} is
     * called, if {@code interval} is null), with a Streams client of its own on {@code backend}.
     */
    static LocalEventsOutbox start(AwsBackend backend, String table, EventPublisher publisher, Duration interval) {
        String arn;
        try (DynamoDbClient dynamoDb = backend.dynamoDb().get()) {
            arn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        }
        if (arn == null) {
            throw new IllegalStateException("the table " + table + " has no stream (SieveResources enables it)");
        }
        LocalEventsOutbox outbox = new LocalEventsOutbox(streamsClient(backend), arn, publisher);
        if (interval != null) {
            outbox.timer.scheduleWithFixedDelay(outbox::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return outbox;
    }

    /** A Streams client for the backend's DynamoDB endpoint, region and credentials (its environment). */
    private static DynamoDbStreamsClient streamsClient(AwsBackend backend) {
        Map<String, String> env = backend.environment();
        return DynamoDbStreamsClient.builder()
                .endpointOverride(URI.create(backend.endpoint("DYNAMODB")))
                .region(Region.of(env.getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env.getOrDefault("AWS_ACCESS_KEY_ID", "local"),
                        env.getOrDefault("AWS_SECRET_ACCESS_KEY", "local"))))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private void tick() {
        try {
            poll();
            if (failing) {
                failing = false;
                System.err.println("sieve local: reading the events stream works again");
            }
        } catch (SdkException | IllegalStateException e) {
            if (!failing) { // once per outage, not every tick
                failing = true;
                System.err.println("sieve local: reading the events stream failed, retrying: " + e.getMessage());
            }
        }
    }

    /** One pass over every shard: what is new is processed; returns the number of records read. */
    synchronized int poll() {
        for (Shard shard : streams.describeStream(b -> b.streamArn(streamArn))
                .streamDescription()
                .shards()) {
            iterators.computeIfAbsent(shard.shardId(), id -> iterator(id, ShardIteratorType.TRIM_HORIZON, null));
        }
        int read = 0;
        for (Map.Entry<String, String> shard : List.copyOf(iterators.entrySet())) {
            String from = retryFrom.remove(shard.getKey());
            String iterator = from == null
                    ? shard.getValue()
                    : iterator(shard.getKey(), ShardIteratorType.AT_SEQUENCE_NUMBER, from);
            if (iterator == null) {
                continue; // a closed shard read to its end
            }
            GetRecordsResponse response;
            try {
                response = streams.getRecords(b -> b.shardIterator(iterator));
            } catch (ExpiredIteratorException e) {
                // resume after what was processed (or from the start): at least once, nothing skipped
                String last = lastRead.get(shard.getKey());
                iterators.put(
                        shard.getKey(),
                        last == null
                                ? iterator(shard.getKey(), ShardIteratorType.TRIM_HORIZON, null)
                                : iterator(shard.getKey(), ShardIteratorType.AFTER_SEQUENCE_NUMBER, last));
                continue;
            }
            List<TableChange> changes =
                    response.records().stream().map(LocalEventsOutbox::change).toList();
            read += changes.size();
            OutboxProcessor.Outcome outcome = processor.process(changes);
            outcome.retryFrom().ifPresent(sequence -> retryFrom.put(shard.getKey(), sequence));
            if (outcome.retryFrom().isEmpty() && !changes.isEmpty()) {
                lastRead.put(shard.getKey(), changes.get(changes.size() - 1).sequenceNumber());
            }
            iterators.put(shard.getKey(), response.nextShardIterator());
        }
        return read;
    }

    private String iterator(String shardId, ShardIteratorType type, String sequence) {
        return streams.getShardIterator(b -> b.streamArn(streamArn)
                        .shardId(shardId)
                        .shardIteratorType(type)
                        .sequenceNumber(sequence))
                .shardIterator();
    }

    static TableChange change(Record record) {
        var stream = record.dynamodb();
        return new TableChange(
                record.eventNameAsString(),
                stream.sequenceNumber(),
                scalars(stream.oldImage()),
                scalars(stream.newImage()));
    }

    private static Map<String, String> scalars(Map<String, AttributeValue> image) {
        Map<String, String> values = new HashMap<>();
        if (image != null) {
            image.forEach((name, value) -> {
                String scalar = value.s() != null ? value.s() : value.n();
                if (scalar != null) {
                    values.put(name, scalar);
                }
            });
        }
        return values;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.close();
    }
}
