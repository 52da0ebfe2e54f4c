package dev.sieve.worker.internal;

import dev.sieve.contract.ExpertResultWriter;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.worker.ResultSink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The worker's {@link ResultSink} on AWS: the contract's {@link ExpertResultWriter}. */
public final class AwsResultSink implements ResultSink {
    private final ExpertResultWriter writer;

    /** A sink that never requests job assembly (jobs complete when their status is polled). */
    public AwsResultSink(DynamoDbClient dynamo, S3Client s3, String table, String bucket, Duration ttl, Clock clock) {
        this(dynamo, s3, table, bucket, ttl, clock, null, Optional.empty());
    }

    /**
     * @param sqs sends ASSEMBLE tasks; may be null only when {@code jobsQueueUrl} is empty
     * @param jobsQueueUrl the gate's jobs queue; empty = assembly relies on polling
     */
    public AwsResultSink(
            DynamoDbClient dynamo,
            S3Client s3,
            String table,
            String bucket,
            Duration ttl,
            Clock clock,
            SqsClient sqs,
            Optional<String> jobsQueueUrl) {
        this.writer = new ExpertResultWriter(dynamo, s3, table, bucket, ttl, clock, sqs, jobsQueueUrl);
    }

    @Override
    public Outcome write(QueueMessage message, List<QueueItem> items, List<ItemResult> results) {
        ExpertResultWriter.Outcome outcome = writer.write(message, items, results);
        return new Outcome(outcome.newlyWritten(), outcome.completedNow());
    }
}
