package dev.sieve.gate.it;

import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.PartLine;
import dev.sieve.shared.result.TableSchema;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The worker's side of the shared contract, reduced to what the gate's tests need: answers every
 * queued item with the opposite of the gate's label ("expert" results), writes them the way {@code
 * TableSchema}/{@code BucketLayout} say, and sends ASSEMBLE when it completes a job's last chunk. The
 * real worker is exercised end to end in {@code localstack-tests}.
 */
final class ContractResponder {
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final String table;
    private final String bucket;
    private final String jobsQueueUrl;

    ContractResponder(
            SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, String table, String bucket, String jobsQueueUrl) {
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.table = table;
        this.bucket = bucket;
        this.jobsQueueUrl = jobsQueueUrl;
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
                answer(Json.read(message.body(), QueueMessage.class));
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

    private void answer(QueueMessage message) {
        List<QueueItem> items = message.items();
        if (items == null) {
            String key = message.payloadUri().substring(("s3://" + bucket + "/").length());
            String body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
            items = body.lines().map(line -> Json.read(line, QueueItem.class)).toList();
        }
        if (message.kind() == QueueMessage.Kind.REQUEST) {
            String pk = TableSchema.requestKey(message.requestId());
            for (QueueItem item : items) {
                try {
                    dynamoDb.transactWriteItems(b -> b.transactItems(
                            t -> t.put(p -> p.tableName(table)
                                    .item(Map.of(
                                            TableSchema.PK, AttributeValue.fromS(pk),
                                            TableSchema.SK, AttributeValue.fromS(TableSchema.itemKey(item.id())),
                                            TableSchema.RESULT, AttributeValue.fromS(Json.write(flip(item)))))
                                    .conditionExpression("attribute_not_exists(sk)")),
                            t -> t.update(u -> u.tableName(table)
                                    .key(Map.of(
                                            TableSchema.PK,
                                            AttributeValue.fromS(pk),
                                            TableSchema.SK,
                                            AttributeValue.fromS("META")))
                                    .updateExpression("ADD answered :one")
                                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))))));
                } catch (TransactionCanceledException duplicate) {
                    // already answered
                }
            }
            try {
                dynamoDb.updateItem(b -> b.tableName(table)
                        .key(Map.of(
                                TableSchema.PK, AttributeValue.fromS(pk), TableSchema.SK, AttributeValue.fromS("META")))
                        .conditionExpression("answered = expected AND #s = :pending")
                        .updateExpression("SET #s = :complete")
                        .expressionAttributeNames(Map.of("#s", "state"))
                        .expressionAttributeValues(Map.of(
                                ":pending",
                                AttributeValue.fromS("PENDING"),
                                ":complete",
                                AttributeValue.fromS("COMPLETE"))));
            } catch (ConditionalCheckFailedException notYet) {
                // more messages to come
            }
            return;
        }
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        for (QueueItem item : items) {
            part.writeBytes(Json.writeBytes(new PartLine(item.line(), flip(item))));
            part.write('\n');
        }
        s3.putObject(
                b -> b.bucket(bucket).key(BucketLayout.part(message.requestId(), "expert", message.chunk())),
                RequestBody.fromBytes(part.toByteArray()));
        String pk = TableSchema.jobKey(message.requestId());
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    t -> t.put(p -> p.tableName(table)
                            .item(Map.of(
                                    TableSchema.PK, AttributeValue.fromS(pk),
                                    TableSchema.SK, AttributeValue.fromS(TableSchema.chunkKey(message.chunk()))))
                            .conditionExpression("attribute_not_exists(sk)")),
                    t -> t.update(u -> u.tableName(table)
                            .key(Map.of(
                                    TableSchema.PK,
                                    AttributeValue.fromS(pk),
                                    TableSchema.SK,
                                    AttributeValue.fromS("META")))
                            .updateExpression("ADD chunks_done :one")
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))))));
        } catch (TransactionCanceledException duplicate) {
            return;
        }
        Map<String, AttributeValue> meta = dynamoDb.getItem(b -> b.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(
                                TableSchema.PK,
                                AttributeValue.fromS(pk),
                                TableSchema.SK,
                                AttributeValue.fromS("META"))))
                .item();
        if (meta.get("chunks_done").n().equals(meta.get("chunks").n())) {
            sqs.sendMessage(
                    b -> b.queueUrl(jobsQueueUrl).messageBody(Json.write(JobTask.assemble(message.requestId()))));
        }
    }
}
