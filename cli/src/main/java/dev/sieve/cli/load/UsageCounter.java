package dev.sieve.cli.load;

import dev.sieve.pricing.CostModel;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Counts the billable AWS work of a local run as it happens: an SDK {@link ExecutionInterceptor} on every
 * client the gate, the job runner and the workers use (SQS requests per 64 KB chunk, DynamoDB write and
 * read units, S3 PUT- and GET-class requests), and a {@link Metrics} sink for the worker's expert items
 * and busy seconds. The keys are {@link CostModel}'s usage keys, so the pricing module prices them as they
 * are. Not counted: S3 {@code ListObjectsV2} (local mode lists the bucket where AWS sends S3 event
 * notifications) and empty SQS receives (the cost model prices long polls per worker hour).
 */
public final class UsageCounter implements ExecutionInterceptor, Metrics {
    /** Expert busy seconds (not a cost-model key: the GPU is priced from items and its throughput). */
    public static final String EXPERT_BUSY_SECONDS = "expert_busy_seconds";

    private static final double SQS_CHUNK = 64 * 1024;
    private static final double READ_UNIT_BYTES = 4096;

    private final Map<String, DoubleAdder> counts = new ConcurrentHashMap<>();

    private void add(String key, double amount) {
        counts.computeIfAbsent(key, k -> new DoubleAdder()).add(amount);
    }

    /** A copy of every counter. */
    public Map<String, Double> snapshot() {
        Map<String, Double> copy = new LinkedHashMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** What happened between two snapshots. */
    public static Map<String, Double> difference(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new LinkedHashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0.0)));
        return delta;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (service == null || operation == null) {
            return;
        }
        long responseBytes = context.httpResponse()
                .firstMatchingHeader("Content-Length")
                .map(Long::parseLong)
                .orElse(0L);
        count(service, operation, context.request(), context.response(), responseBytes);
    }

    /** Adds one call's billable units (package-private for tests). */
    void count(String service, String operation, SdkRequest request, SdkResponse response, long responseBytes) {
        switch (service) {
            case "Sqs", "SQS" -> countSqs(operation, request, response);
            case "DynamoDb", "DynamoDB" -> countDynamoDb(operation, request, responseBytes);
            case "S3" -> countS3(operation);
            default -> {}
        }
    }

    private void countSqs(String operation, SdkRequest request, SdkResponse response) {
        switch (operation) {
            case "SendMessage" -> add(CostModel.SQS_REQUESTS, chunks(((SendMessageRequest) request).messageBody()));
            case "SendMessageBatch" -> {
                double bytes = 0;
                for (var entry : ((SendMessageBatchRequest) request).entries()) {
                    bytes += entry.messageBody().length();
                }
                add(CostModel.SQS_REQUESTS, Math.max(1, Math.ceil(bytes / SQS_CHUNK)));
                add(
                        CostModel.SQS_MESSAGES,
                        ((SendMessageBatchRequest) request).entries().size());
            }
            case "ReceiveMessage" -> {
                ReceiveMessageResponse received = (ReceiveMessageResponse) response;
                if (received.hasMessages() && !received.messages().isEmpty()) {
                    double bytes = 0;
                    for (var message : received.messages()) {
                        bytes += message.body().length();
                    }
                    add(CostModel.SQS_REQUESTS, Math.max(1, Math.ceil(bytes / SQS_CHUNK)));
                }
            }
            case "GetQueueAttributes", "GetQueueUrl", "CreateQueue", "ListQueues" -> {}
            default -> add(CostModel.SQS_REQUESTS, 1); // deletes, visibility changes
        }
        if (operation.equals("SendMessage")) {
            add(CostModel.SQS_MESSAGES, 1);
        }
    }

    private static double chunks(String body) {
        return Math.max(1, Math.ceil(body.length() / SQS_CHUNK));
    }

    private void countDynamoDb(String operation, SdkRequest request, long responseBytes) {
        switch (operation) {
            case "PutItem", "UpdateItem", "DeleteItem" -> add(CostModel.DYNAMODB_WRU, 1);
            case "TransactWriteItems" ->
                add(
                        CostModel.DYNAMODB_WRU,
                        2.0
                                * ((TransactWriteItemsRequest) request)
                                        .transactItems()
                                        .size());
            case "BatchWriteItem" -> {
                int items = 0;
                for (var writes :
                        ((BatchWriteItemRequest) request).requestItems().values()) {
                    items += writes.size();
                }
                add(CostModel.DYNAMODB_WRU, items);
            }
            case "GetItem" ->
                add(CostModel.DYNAMODB_RRU, Boolean.TRUE.equals(((GetItemRequest) request).consistentRead()) ? 1 : 0.5);
            case "Query" ->
                add(
                        CostModel.DYNAMODB_RRU,
                        (Boolean.TRUE.equals(((QueryRequest) request).consistentRead()) ? 1 : 0.5)
                                * Math.max(1, Math.ceil(responseBytes / READ_UNIT_BYTES)));
            default -> {}
        }
    }

    private void countS3(String operation) {
        switch (operation) {
            case "PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload" ->
                add(CostModel.S3_PUTS, 1);
            case "GetObject", "HeadObject" -> add(CostModel.S3_GETS, 1);
            default -> {} // DeleteObject is free; ListObjectsV2 stands in for S3 event notifications
        }
    }

    /**
     * Adds a worker batch's expert items and busy seconds. The worker also reports each batch again split
     * by tenant (dimension {@code usage=tenant}, {@link MetricNames#TENANT_USAGE}); those records repeat the
     * same work and are left out, or every expert item would count twice.
     */
    @Override
    public void record(Map<String, String> dimensions, Map<String, Metric> values) {
        if (MetricNames.TENANT_USAGE.equals(dimensions.get("usage"))) {
            return;
        }
        Metric items = values.get(MetricNames.EXPERT_ITEMS);
        Metric busy = values.get(MetricNames.EXPERT_BUSY_SECONDS);
        if (items != null && busy != null) {
            add(CostModel.EXPERT_ITEMS, items.value());
            add(EXPERT_BUSY_SECONDS, busy.value());
        }
    }
}
