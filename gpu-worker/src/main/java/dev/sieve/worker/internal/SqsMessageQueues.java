package dev.sieve.worker.internal;

import dev.sieve.worker.MessageQueues;
import dev.sieve.worker.QueueRef;
import dev.sieve.worker.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** {@link MessageQueues} over an {@link SqsClient} (owned by the caller). */
public final class SqsMessageQueues implements MessageQueues {
    private static final Logger LOG = LoggerFactory.getLogger(SqsMessageQueues.class);
    private static final int SQS_BATCH = 10;

    private final SqsClient sqs;

    public SqsMessageQueues(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public List<ReceivedMessage> receive(QueueRef queue, int waitSeconds, Duration visibility) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queue.url())
                        .maxNumberOfMessages(SQS_BATCH)
                        .waitTimeSeconds(waitSeconds)
                        .visibilityTimeout((int) visibility.toSeconds())
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .messages();
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<MessageSystemAttributeName, String> attributes = m.attributes();
            int count = Integer.parseInt(
                    attributes.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
            received.add(new ReceivedMessage(m.messageId(), m.receiptHandle(), m.body(), count));
        }
        return received;
    }

    @Override
    public void delete(QueueRef queue, List<String> receiptHandles) {
        for (int from = 0; from < receiptHandles.size(); from += SQS_BATCH) {
            List<String> slice = receiptHandles.subList(from, Math.min(receiptHandles.size(), from + SQS_BATCH));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(slice.size());
            for (int i = 0; i < slice.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(slice.get(i))
                        .build());
            }
            try {
                logFailures(
                        "delete",
                        queue,
                        sqs.deleteMessageBatch(r -> r.queueUrl(queue.url()).entries(entries))
                                .failed());
            } catch (SdkException e) {
                LOG.warn(
                        "delete of {} messages on the {} queue failed; they will be redelivered and deduplicated: {}",
                        slice.size(),
                        queue.label(),
                        e.getMessage());
            }
        }
    }

    @Override
    public void changeVisibility(QueueRef queue, List<String> receiptHandles, Duration visibility) {
        for (int from = 0; from < receiptHandles.size(); from += SQS_BATCH) {
            List<String> slice = receiptHandles.subList(from, Math.min(receiptHandles.size(), from + SQS_BATCH));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(slice.size());
            for (int i = 0; i < slice.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(slice.get(i))
                        .visibilityTimeout((int) visibility.toSeconds())
                        .build());
            }
            try {
                logFailures(
                        "visibility change",
                        queue,
                        sqs.changeMessageVisibilityBatch(
                                        r -> r.queueUrl(queue.url()).entries(entries))
                                .failed());
            } catch (SdkException e) {
                LOG.warn(
                        "visibility change of {} messages on the {} queue failed: {}",
                        slice.size(),
                        queue.label(),
                        e.getMessage());
            }
        }
    }

    private static void logFailures(String what, QueueRef queue, List<BatchResultErrorEntry> failed) {
        for (BatchResultErrorEntry f : failed) {
            LOG.warn("{} failed on the {} queue: {} {}", what, queue.label(), f.code(), f.message());
        }
    }
}
