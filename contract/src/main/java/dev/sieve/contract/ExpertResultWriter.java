package dev.sieve.contract;

import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * How the expert's results complete work — the worker's completion path, and the only one (the gate's
 * integration tests answer their queues through it too). Results go through the contract's stores: a request's results via {@link
 * RequestStore#recordExpertResults} then {@link RequestStore#tryComplete} (always tried: a delivery that
 * crashed after its last write left the completion to us); a job chunk's results as an expert part file
 * ({@link PartFiles}) then {@link JobStore#countChunkDone}. When the chunk count shows every chunk done
 * (also when an earlier delivery counted it and may have crashed before this step), and a jobs queue is
 * configured, a {@link JobTask#assemble} task goes to it; the gate's assembly is guarded by a
 * conditional state change, so an extra task is harmless.
 */
public final class ExpertResultWriter {
    private final RequestStore requests;
    private final JobStore jobs;
    private final S3Client s3;
    private final String bucket;
    private final Duration ttl;
    private final Clock clock;
    private final Optional<QueuePublisher> publisher;
    private final Optional<String> jobsQueueUrl;

    /** A sink that never requests job assembly (jobs complete when their status is polled). */
    public ExpertResultWriter(
            DynamoDbClient dynamo, S3Client s3, String table, String bucket, Duration ttl, Clock clock) {
        this(dynamo, s3, table, bucket, ttl, clock, null, Optional.empty());
    }

    /**
     * @param sqs sends ASSEMBLE tasks; may be null only when {@code jobsQueueUrl} is empty
     * @param jobsQueueUrl the gate's jobs queue; empty = assembly relies on polling
     */
    public ExpertResultWriter(
            DynamoDbClient dynamo,
            S3Client s3,
            String table,
            String bucket,
            Duration ttl,
            Clock clock,
            SqsClient sqs,
            Optional<String> jobsQueueUrl) {
        if (jobsQueueUrl.isPresent() && sqs == null) {
            throw new IllegalArgumentException("a jobs queue needs an SQS client");
        }
        this.requests = new DynamoDbRequestStore(dynamo, s3, table, bucket);
        this.jobs = new DynamoDbJobStore(dynamo, table);
        this.s3 = s3;
        this.bucket = bucket;
        this.ttl = ttl;
        this.clock = clock;
        this.publisher = sqs == null ? Optional.empty() : Optional.of(new QueuePublisher(sqs, s3, bucket));
        this.jobsQueueUrl = jobsQueueUrl;
    }

    /**
     * @param newlyWritten results written by this call (0 when an earlier delivery wrote them all)
     * @param completedNow true for the one write that completed the request or counted the chunk
     */
    public record Outcome(int newlyWritten, boolean completedNow) {}

    /** Writes the results of one message (same order as its items); writing it twice changes nothing. */
    public Outcome write(QueueMessage message, List<QueueItem> items, List<ItemResult> results) {
        long ttlEpoch = clock.instant().plus(ttl).getEpochSecond();
        return switch (message.kind()) {
            case REQUEST -> {
                int written = requests.recordExpertResults(message.requestId(), results, ttlEpoch);
                yield new Outcome(written, requests.tryComplete(message.requestId(), clock.millis()));
            }
            case JOB_CHUNK -> writeChunk(message.requestId(), message.chunk(), items, results, ttlEpoch);
        };
    }

    private Outcome writeChunk(
            String jobId, int chunk, List<QueueItem> items, List<ItemResult> results, long ttlEpoch) {
        String key = PartFiles.key(jobId, PartFiles.Source.EXPERT, chunk);
        try {
            s3.putObject(
                    r -> r.bucket(bucket).key(key).contentType("application/x-ndjson"),
                    RequestBody.fromBytes(PartFiles.encode(partLines(items, results))));
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 PutObject", e);
        }
        JobStore.ChunkCount count = jobs.countChunkDone(jobId, chunk, ttlEpoch);
        if (jobsQueueUrl.isPresent()
                && count.job().map(JobStore.Job::readyToAssemble).orElse(false)) {
            // A failed send propagates, so the message is redelivered and this check runs again.
            publisher.orElseThrow().sendTasks(jobsQueueUrl.get(), List.of(JobTask.assemble(jobId)));
        }
        return count.countedNow() ? new Outcome(results.size(), true) : new Outcome(0, false);
    }

    /** One part line per item: its result at its manifest line (its position when it has none). */
    public static List<PartLine> partLines(List<QueueItem> items, List<ItemResult> results) {
        List<PartLine> lines = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Long line = items.get(i).line();
            lines.add(new PartLine(line == null ? i : line, results.get(i)));
        }
        return lines;
    }
}
