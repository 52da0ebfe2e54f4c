package dev.sieve.contract;

import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.BucketLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Puts work on the queues: packs items into as few messages as fit {@link QueueMessage#MAX_INLINE_BYTES}
 * ({@link QueuePacker}), offloads what does not fit to S3 ({@link BucketLayout#payload}, read back by
 * {@link PayloadReader}), and sends with {@code SendMessageBatch}: up to 10 per call and at most {@value
 * #MAX_BATCH_BYTES} bytes per call; failed entries are retried a few times, then the whole send fails
 * with a {@link CapacityException} (the caller may retry: item ids are stable).
 */
public final class QueuePublisher {
    static final int MAX_BATCH_BYTES = 250 * 1024;
    private static final int ATTEMPTS = 4;

    private final SqsClient sqs;
    private final S3Client s3;
    private final String bucket;
    private final QueuePacker packer = new QueuePacker();

    /**
     * @param s3 where payloads too large for SQS go
     * @param bucket their bucket
     */
    public QueuePublisher(SqsClient sqs, S3Client s3, String bucket) {
        this.sqs = sqs;
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * Sends an API request's escalated items: as many inline messages as needed, one S3 payload per
     * oversized item.
     *
     * @param allowGateFallback the request's {@code allow_gate_fallback}: items still waiting at the
     *     deadline may be answered with the gate's label ({@link QueueMessage#allowGateFallback})
     */
    public void publishRequest(
            String queueUrl,
            String requestId,
            Priority priority,
            long deadlineEpochMs,
            boolean allowGateFallback,
            String bundleVersion,
            long nowMs,
            List<QueueItem> items) {
        QueuePacker.Packing packing = packer.pack(items);
        List<QueueMessage> messages = new ArrayList<>();
        for (List<QueueItem> group : packing.inlineGroups()) {
            messages.add(QueueMessage.inline(
                            QueueMessage.Kind.REQUEST,
                            requestId,
                            0,
                            priority,
                            deadlineEpochMs,
                            bundleVersion,
                            nowMs,
                            group)
                    .withGateFallback(allowGateFallback));
        }
        int sequence = 0;
        for (QueueItem large : packing.oversized()) {
            String uri = offload(BucketLayout.payload(requestId, sequence++), List.of(large));
            messages.add(new QueueMessage(
                    QueueMessage.SCHEMA,
                    QueueMessage.Kind.REQUEST,
                    requestId,
                    0,
                    priority,
                    deadlineEpochMs,
                    bundleVersion,
                    nowMs,
                    null,
                    uri,
                    allowGateFallback));
        }
        send(queueUrl, messages);
    }

    /**
     * Sends a job chunk's escalated items as exactly one message (the worker counts the chunk done when
     * it has written that message's results): inline when it fits, else through one S3 payload.
     */
    public void publishChunk(
            String queueUrl,
            String jobId,
            int chunk,
            long deadlineEpochMs,
            String bundleVersion,
            long nowMs,
            List<QueueItem> items) {
        QueuePacker.Packing packing = packer.pack(items);
        QueueMessage message;
        if (packing.oversized().isEmpty() && packing.inlineGroups().size() == 1) {
            message = QueueMessage.inline(
                    QueueMessage.Kind.JOB_CHUNK,
                    jobId,
                    chunk,
                    Priority.BATCH,
                    deadlineEpochMs,
                    bundleVersion,
                    nowMs,
                    items);
        } else {
            message = new QueueMessage(
                    QueueMessage.SCHEMA,
                    QueueMessage.Kind.JOB_CHUNK,
                    jobId,
                    chunk,
                    Priority.BATCH,
                    deadlineEpochMs,
                    bundleVersion,
                    nowMs,
                    null,
                    offload(BucketLayout.payload(jobId, chunk), items));
        }
        send(queueUrl, List.of(message));
    }

    /** Sends job tasks (CHUNK, ASSEMBLE) to the jobs queue. */
    public void sendTasks(String queueUrl, List<JobTask> tasks) {
        sendRaw(queueUrl, tasks.stream().map(Json::write).toList());
    }

    private String offload(String key, List<QueueItem> items) {
        try {
            s3.putObject(
                    b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"),
                    RequestBody.fromBytes(PayloadReader.encode(items)));
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 PutObject", e);
        }
        return new S3Location(bucket, key).uri();
    }

    public void send(String queueUrl, List<QueueMessage> messages) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
        int batchBytes = 0;
        for (QueueMessage message : messages) {
            String body = Json.write(message);
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            if (!batch.isEmpty() && (batch.size() == 10 || batchBytes + bytes > MAX_BATCH_BYTES)) {
                sendBatch(queueUrl, batch);
                batch = new ArrayList<>(10);
                batchBytes = 0;
            }
            batch.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(batch.size()))
                    .messageBody(body)
                    .messageAttributes(Map.of(
                            QueueMessage.ATTRIBUTE_REQUEST_ID, string(message.requestId()),
                            QueueMessage.ATTRIBUTE_BUNDLE_VERSION, string(message.bundleVersion())))
                    .build());
            batchBytes += bytes;
        }
        if (!batch.isEmpty()) {
            sendBatch(queueUrl, batch);
        }
    }

    private void sendRaw(String queueUrl, List<String> bodies) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>(10);
        for (String body : bodies) {
            if (batch.size() == 10) {
                sendBatch(queueUrl, batch);
                batch = new ArrayList<>(10);
            }
            batch.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(batch.size()))
                    .messageBody(body)
                    .build());
        }
        if (!batch.isEmpty()) {
            sendBatch(queueUrl, batch);
        }
    }

    private void sendBatch(String queueUrl, List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int attempt = 1; ; attempt++) {
            SendMessageBatchResponse response;
            List<SendMessageBatchRequestEntry> attemptEntries = pending;
            try {
                response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(attemptEntries));
            } catch (SdkException e) {
                throw AwsFailures.classify("SQS SendMessageBatch", e);
            }
            if (response.failed().isEmpty()) {
                return;
            }
            List<String> failedIds =
                    response.failed().stream().map(BatchResultErrorEntry::id).toList();
            boolean senderFault = response.failed().stream().anyMatch(BatchResultErrorEntry::senderFault);
            BatchResultErrorEntry first = response.failed().get(0);
            String what = "SQS rejected " + failedIds.size() + " of " + pending.size() + " messages (" + first.code()
                    + ": " + first.message() + ")";
            if (senderFault) {
                // Our message is at fault: retrying it will never succeed, so it is not "over capacity".
                throw new QueueRejectedException(what);
            }
            if (attempt == ATTEMPTS) {
                throw new CapacityException(what, true, 2, null);
            }
            pending = pending.stream().filter(e -> failedIds.contains(e.id())).toList();
            sleep(50L << attempt);
        }
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CapacityException("interrupted while retrying SQS", false, 1, e);
        }
    }
}
