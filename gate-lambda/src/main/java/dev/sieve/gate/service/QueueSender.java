package dev.sieve.gate.service;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends queue messages with {@code SendMessageBatch}: up to 10 per call and at most {@value
 * #MAX_BATCH_BYTES} bytes per call; failed entries are retried a few times, then the whole send fails
 * with a {@link CapacityException} (the caller may retry: item ids are stable).
 */
public final class QueueSender {
    static final int MAX_BATCH_BYTES = 250 * 1024;
    private static final int ATTEMPTS = 4;

    private final SqsClient sqs;

    public QueueSender(SqsClient sqs) {
        this.sqs = sqs;
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

    /** Sends one raw body (control messages such as job tasks). */
    public void sendRaw(String queueUrl, List<String> bodies) {
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
            if (senderFault || attempt == ATTEMPTS) {
                BatchResultErrorEntry first = response.failed().get(0);
                throw new CapacityException(
                        "SQS rejected " + failedIds.size() + " of " + pending.size() + " messages (" + first.code()
                                + ": " + first.message() + ")",
                        !senderFault,
                        2,
                        null);
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
