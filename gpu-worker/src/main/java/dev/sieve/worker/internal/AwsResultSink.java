package dev.sieve.worker.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.TableSchema;
import dev.sieve.worker.ResultSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Writes results to DynamoDB (requests) and S3 part files (job chunks), idempotently, following
 * {@link TableSchema}: each item result is put with {@code attribute_not_exists(sk)} in the same
 * transaction as {@code ADD answered :n} on the request's META, so a redelivery neither loses nor
 * double-counts; the request's completion is a conditional update that succeeds exactly once.
 *
 * <p>A job chunk is counted done with a {@code CHUNK#<n>} marker plus {@code ADD chunks_done :1} in
 * one transaction. Afterwards, and also when the marker shows an earlier delivery counted it (that
 * delivery may have crashed before this step), a consistent read of the job's META decides whether
 * every chunk is done; if so, and a jobs queue is configured, a {@link JobTask#assemble} task goes to
 * it. The gate's assembly skips a job that is not ready or already complete and completes it with a
 * conditional update, so the extra task a redelivery may send is harmless.
 */
public final class AwsResultSink implements ResultSink {
    /** TransactWriteItems allows 100 actions; one is the META counter. */
    static final int ITEMS_PER_TRANSACTION = 99;

    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    private static final String TRANSACTION_CONFLICT = "TransactionConflict";
    private static final String COMPLETE = "COMPLETE";
    /** Job states (the gate's {@code JobState}) in which an ASSEMBLE task would be pointless. */
    private static final List<String> NOT_ASSEMBLABLE = List.of("COMPLETE", "SCANNING");

    private static final int MAX_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final String table;
    private final String bucket;
    private final Duration ttl;
    private final Clock clock;
    private final SqsClient sqs;
    private final Optional<String> jobsQueueUrl;

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
        if (jobsQueueUrl.isPresent() && sqs == null) {
            throw new IllegalArgumentException("a jobs queue needs an SQS client");
        }
        this.dynamo = dynamo;
        this.s3 = s3;
        this.table = table;
        this.bucket = bucket;
        this.ttl = ttl;
        this.clock = clock;
        this.sqs = sqs;
        this.jobsQueueUrl = jobsQueueUrl;
    }

    @Override
    public Outcome write(QueueMessage message, List<QueueItem> items, List<ItemResult> results) {
        return switch (message.kind()) {
            case REQUEST -> writeRequest(message.requestId(), results);
            case JOB_CHUNK -> writeChunk(message.requestId(), message.chunk(), items, results);
        };
    }

    private Outcome writeRequest(String requestId, List<ItemResult> results) {
        String pk = TableSchema.requestKey(requestId);
        long ttlEpoch = clock.instant().plus(ttl).getEpochSecond();
        int written = 0;
        for (int from = 0; from < results.size(); from += ITEMS_PER_TRANSACTION) {
            List<ItemResult> slice =
                    new ArrayList<>(results.subList(from, Math.min(results.size(), from + ITEMS_PER_TRANSACTION)));
            written += writeItems(pk, slice, ttlEpoch);
        }
        // Always try: a delivery that crashed after its last transaction left the completion to us.
        return new Outcome(written, tryComplete(pk));
    }

    /** Writes the slice, dropping items an earlier delivery already wrote; returns how many were new. */
    private int writeItems(String pk, List<ItemResult> slice, long ttlEpoch) {
        for (int attempt = 1; ; attempt++) {
            if (slice.isEmpty()) {
                return 0;
            }
            List<TransactWriteItem> actions = new ArrayList<>(slice.size() + 1);
            for (ItemResult r : slice) {
                actions.add(TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(Map.of(
                                        TableSchema.PK, s(pk),
                                        TableSchema.SK, s(TableSchema.itemKey(r.id())),
                                        TableSchema.RESULT, s(Json.write(r)),
                                        TableSchema.TTL, n(ttlEpoch)))
                                .conditionExpression("attribute_not_exists(#sk)")
                                .expressionAttributeNames(Map.of("#sk", TableSchema.SK))
                                .build())
                        .build());
            }
            actions.add(TransactWriteItem.builder()
                    .update(Update.builder()
                            .tableName(table)
                            .key(Map.of(TableSchema.PK, s(pk), TableSchema.SK, s(TableSchema.META)))
                            .updateExpression("ADD #answered :n")
                            .expressionAttributeNames(Map.of("#answered", TableSchema.ANSWERED))
                            .expressionAttributeValues(Map.of(":n", n(slice.size())))
                            .build())
                    .build());
            try {
                dynamo.transactWriteItems(r -> r.transactItems(actions));
                return slice.size();
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                List<ItemResult> remaining = new ArrayList<>();
                boolean alreadyWritten = false;
                boolean conflict = false;
                for (int i = 0; i < slice.size(); i++) {
                    String code = i < reasons.size() ? reasons.get(i).code() : null;
                    if (CONDITIONAL_CHECK_FAILED.equals(code)) {
                        alreadyWritten = true;
                    } else {
                        remaining.add(slice.get(i));
                        conflict |= TRANSACTION_CONFLICT.equals(code);
                    }
                }
                if (reasons.size() > slice.size()) {
                    conflict |= TRANSACTION_CONFLICT.equals(
                            reasons.get(slice.size()).code());
                }
                if (!alreadyWritten && !conflict || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                slice = remaining;
                if (conflict) {
                    backoff(attempt);
                }
            }
        }
    }

    /** The conditional transition to COMPLETE; true for the one caller that made it. */
    private boolean tryComplete(String pk) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of(TableSchema.PK, s(pk), TableSchema.SK, s(TableSchema.META)))
                    .updateExpression("SET #state = :complete, #completed = :now")
                    .conditionExpression(
                            "#answered = #expected AND (attribute_not_exists(#state) OR #state <> :complete)")
                    .expressionAttributeNames(Map.of(
                            "#state", TableSchema.STATE,
                            "#completed", TableSchema.COMPLETED_AT,
                            "#answered", TableSchema.ANSWERED,
                            "#expected", TableSchema.EXPECTED))
                    .expressionAttributeValues(Map.of(
                            ":complete", s(COMPLETE), ":now", s(clock.instant().toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private Outcome writeChunk(String jobId, int chunk, List<QueueItem> items, List<ItemResult> results) {
        String key = BucketLayout.part(jobId, "expert", chunk);
        s3.putObject(
                r -> r.bucket(bucket).key(key).contentType("application/x-ndjson"),
                RequestBody.fromBytes(partFile(items, results)));
        String pk = TableSchema.jobKey(jobId);
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder()
                            .put(Put.builder()
                                    .tableName(table)
                                    .item(Map.of(
                                            TableSchema.PK, s(pk),
                                            TableSchema.SK, s(TableSchema.chunkKey(chunk)),
                                            TableSchema.ITEMS, n(results.size()),
                                            TableSchema.OUTPUT, s(key),
                                            TableSchema.TTL,
                                                    n(clock.instant().plus(ttl).getEpochSecond())))
                                    .conditionExpression("attribute_not_exists(#sk)")
                                    .expressionAttributeNames(Map.of("#sk", TableSchema.SK))
                                    .build())
                            .build(),
                    TransactWriteItem.builder()
                            .update(Update.builder()
                                    .tableName(table)
                                    .key(Map.of(TableSchema.PK, s(pk), TableSchema.SK, s(TableSchema.META)))
                                    .updateExpression("ADD #done :one")
                                    .expressionAttributeNames(Map.of("#done", TableSchema.CHUNKS_DONE))
                                    .expressionAttributeValues(Map.of(":one", n(1)))
                                    .build())
                            .build()));
            requestAssemblyIfDone(jobId);
            return new Outcome(results.size(), true);
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons()
                    && !e.cancellationReasons().isEmpty()
                    && CONDITIONAL_CHECK_FAILED.equals(
                            e.cancellationReasons().get(0).code())) {
                // Counted by an earlier delivery, which may have crashed before asking for assembly.
                requestAssemblyIfDone(jobId);
                return new Outcome(0, false);
            }
            throw e;
        }
    }

    /**
     * Sends the job's ASSEMBLE task when every chunk is counted and the job is not complete. A failed
     * send propagates, so the message is redelivered and this check runs again.
     */
    private void requestAssemblyIfDone(String jobId) {
        if (jobsQueueUrl.isEmpty()) {
            return;
        }
        Map<String, AttributeValue> meta = dynamo.getItem(r -> r.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(TableSchema.PK, s(TableSchema.jobKey(jobId)), TableSchema.SK, s(TableSchema.META)))
                        .projectionExpression("#done, #chunks, #state")
                        .expressionAttributeNames(Map.of(
                                "#done", TableSchema.CHUNKS_DONE,
                                "#chunks", TableSchema.CHUNKS,
                                "#state", TableSchema.STATE)))
                .item();
        if (!allChunksDone(meta)) {
            return;
        }
        sqs.sendMessage(r -> r.queueUrl(jobsQueueUrl.get()).messageBody(Json.write(JobTask.assemble(jobId))));
    }

    /** Whether a job META has {@code chunks_done >= chunks} and a state that assembly acts on. */
    static boolean allChunksDone(Map<String, AttributeValue> meta) {
        if (meta == null || meta.isEmpty()) {
            return false;
        }
        AttributeValue done = meta.get(TableSchema.CHUNKS_DONE);
        AttributeValue chunks = meta.get(TableSchema.CHUNKS);
        AttributeValue state = meta.get(TableSchema.STATE);
        if (done == null || done.n() == null || chunks == null || chunks.n() == null) {
            return false;
        }
        if (state != null && state.s() != null && NOT_ASSEMBLABLE.contains(state.s())) {
            return false;
        }
        return Long.parseLong(done.n()) >= Long.parseLong(chunks.n());
    }

    /** JSON Lines, ordered by manifest line: each an {@link ItemResult} plus its {@code line}. */
    static byte[] partFile(List<QueueItem> items, List<ItemResult> results) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(
                i -> items.get(i).line() == null ? i : items.get(i).line()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i : order) {
            ObjectNode line = Json.mapper().valueToTree(results.get(i));
            if (items.get(i).line() != null) {
                line.put("line", items.get(i).line());
            }
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(1000, 20L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a result write", e);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
