package dev.sieve.gate.it;

import dev.sieve.contract.ExpertResultWriter;
import dev.sieve.contract.PayloadReader;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.ItemResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Stands in for the expert model only: answers every queued item with the opposite of the gate's label,
 * and completes the work through the worker's own completion path ({@link ExpertResultWriter}, which the
 * worker's result sink is) and payload reader. Nothing of the table or bucket layout is written here.
 */
final class OppositeExpert {
    private final SqsClient sqs;
    private final PayloadReader payloads;
    private final ExpertResultWriter writer;

    OppositeExpert(
            SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, String table, String bucket, String jobsQueueUrl) {
        this.sqs = sqs;
        this.payloads = new PayloadReader(s3);
        this.writer = new ExpertResultWriter(
                dynamoDb, s3, table, bucket, Duration.ofDays(1), Clock.systemUTC(), sqs, Optional.of(jobsQueueUrl));
    }

    /** Receives and answers what is on {@code queueUrl}; returns how many messages it handled. */
    int drain(String queueUrl) {
        int handled = 0;
        while (true) {
            List<Message> messages = sqs.receiveMessage(
                            b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (messages.isEmpty()) {
                return handled;
            }
            for (Message message : messages) {
                QueueMessage body = Json.read(message.body(), QueueMessage.class);
                List<QueueItem> items = body.items() != null ? body.items() : payloads.read(body.payloadUri());
                writer.write(
                        body, items, items.stream().map(OppositeExpert::flip).toList());
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                handled++;
            }
        }
    }

    private static ItemResult flip(QueueItem item) {
        float spam = item.gateProbabilities()[1];
        String gateLabel = spam >= 0.5 ? "spam" : "ham";
        return ItemResult.expert(
                item.id(), gateLabel.equals("spam") ? "ham" : "spam", 0.97, gateLabel, Math.max(spam, 1 - spam));
    }
}
