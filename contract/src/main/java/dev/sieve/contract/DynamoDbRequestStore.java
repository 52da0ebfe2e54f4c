package dev.sieve.contract;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sieve.contract.internal.Conditions;
import dev.sieve.contract.internal.NewRows;
import dev.sieve.contract.internal.Transactions;
import dev.sieve.contract.internal.UnfinishedIndex;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link RequestStore} on the DynamoDB table, with gate answers over {@value #INLINE_GATE_RESULTS_BYTES}
 * bytes in S3 ({@link BucketLayout#gateResults}). Conditions come from {@link Conditions}; AWS failures
 * that are worth retrying become {@link CapacityException}s ({@link AwsFailures}).
 */
public final class DynamoDbRequestStore implements RequestStore {
    /** Gate answers larger than this go to S3 instead of the META item (DynamoDB items max 400 KB). */
    static final int INLINE_GATE_RESULTS_BYTES = 300 * 1024;

    /** TransactWriteItems allows 100 actions; one is the META counter. */
    static final int ITEMS_PER_TRANSACTION = 99;

    static final String GATE_RESULTS = "gate_results";
    static final String GATE_RESULTS_URI = "gate_results_uri";
    static final String MODE_REASON = "mode_reason";

    private static final TypeReference<List<GateEntry>> ENTRIES = new TypeReference<>() {};

    private final DynamoDbClient dynamoDb;
    private final S3Client s3;
    private final String table;
    private final String bucket;

    public DynamoDbRequestStore(DynamoDbClient dynamoDb, S3Client s3, String table, String bucket) {
        this.dynamoDb = dynamoDb;
        this.s3 = s3;
        this.table = table;
        this.bucket = bucket;
    }

    @Override
    public boolean create(
            String requestId,
            String mode,
            String modeReason,
            List<GateEntry> entries,
            long expected,
            long nowMs,
            long ttlEpochSeconds) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableSchema.PK, s(TableSchema.requestKey(requestId)));
        item.put(TableSchema.SK, s(TableSchema.META));
        item.put(TableSchema.STATE, s((expected == 0 ? RequestState.COMPLETE : RequestState.PENDING).name()));
        if (expected > 0) {
            item.put(TableSchema.UNFINISHED, s(TableSchema.unfinishedShard(TableSchema.requestKey(requestId))));
        }
        item.put(TableSchema.MODE, s(mode));
        item.put(MODE_REASON, s(modeReason));
        item.put(TableSchema.EXPECTED, n(expected));
        item.put(TableSchema.ANSWERED, n(0));
        item.put(TableSchema.ITEMS, n(entries.size()));
        item.put(TableSchema.CREATED_AT, n(nowMs));
        item.put(TableSchema.TTL, n(ttlEpochSeconds));
        putGateEntries(requestId, entries, item);
        return NewRows.put(dynamoDb, table, item);
    }

    @Override
    public Optional<IdempotencyClaim> claimIdempotencyKey(
            String scopedKey, String requestId, String bodySha256, long ttlEpochSeconds) {
        Map<String, AttributeValue> key =
                Map.of(TableSchema.PK, s(TableSchema.idempotencyKey(scopedKey)), TableSchema.SK, s(TableSchema.CLAIM));
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put(TableSchema.REQUEST_ID, s(requestId));
        item.put(TableSchema.BODY_SHA256, s(bodySha256));
        item.put(TableSchema.TTL, n(ttlEpochSeconds));
        if (NewRows.put(dynamoDb, table, item)) {
            return Optional.empty();
        }
        // claimed before: read it (consistently: the claim may be milliseconds old)
        try {
            Map<String, AttributeValue> earlier = dynamoDb.getItem(
                            b -> b.tableName(table).key(key).consistentRead(true))
                    .item();
            if (earlier == null || earlier.isEmpty()) {
                // expired between the put and the read: claim again
                return claimIdempotencyKey(scopedKey, requestId, bodySha256, ttlEpochSeconds);
            }
            return Optional.of(new IdempotencyClaim(
                    earlier.get(TableSchema.REQUEST_ID).s(),
                    earlier.get(TableSchema.BODY_SHA256).s()));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
    }

    @Override
    public void createAwaitingUpload(String requestId, long nowMs, long ttlEpochSeconds) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableSchema.PK, s(TableSchema.requestKey(requestId)));
        item.put(TableSchema.SK, s(TableSchema.META));
        item.put(TableSchema.STATE, s(RequestState.AWAITING_UPLOAD.name()));
        item.put(TableSchema.UNFINISHED, s(TableSchema.unfinishedShard(TableSchema.requestKey(requestId))));
        item.put(TableSchema.MODE, s("async"));
        item.put(MODE_REASON, s("uploaded body"));
        item.put(TableSchema.EXPECTED, n(0));
        item.put(TableSchema.ANSWERED, n(0));
        item.put(TableSchema.CREATED_AT, n(nowMs));
        item.put(TableSchema.TTL, n(ttlEpochSeconds));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB PutItem", e);
        }
    }

    @Override
    public boolean startUploaded(String requestId, List<GateEntry> entries, long expected) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":awaiting", s(RequestState.AWAITING_UPLOAD.name()));
        values.put(":state", s((expected == 0 ? RequestState.COMPLETE : RequestState.PENDING).name()));
        values.put(":expected", n(expected));
        values.put(":items", n(entries.size()));
        Map<String, AttributeValue> gate = new HashMap<>();
        putGateEntries(requestId, entries, gate);
        String gateName = gate.containsKey(GATE_RESULTS) ? GATE_RESULTS : GATE_RESULTS_URI;
        values.put(":gate", gate.get(gateName));
        Map<String, String> names = new HashMap<>(Map.of(
                "#state", TableSchema.STATE,
                "#expected", TableSchema.EXPECTED,
                "#items", TableSchema.ITEMS,
                "#gate", gateName));
        if (expected == 0) {
            names.put("#unfinished", TableSchema.UNFINISHED); // complete at once: out of the sparse index
        }
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(metaKey(requestId))
                    .conditionExpression(Conditions.REQUEST_AWAITING_UPLOAD)
                    .updateExpression("SET #state = :state, #expected = :expected, #items = :items, #gate = :gate"
                            + (expected == 0 ? " REMOVE #unfinished" : ""))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    @Override
    public boolean fail(String requestId, String code, String field, String message) {
        String error = errorJson(code, field, message);
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(metaKey(requestId))
                    .conditionExpression(Conditions.REQUEST_UNFINISHED)
                    .updateExpression("SET #state = :failed, #error = :error REMOVE #unfinished")
                    .expressionAttributeNames(Map.of(
                            "#state", TableSchema.STATE,
                            "#error", TableSchema.ERROR,
                            "#unfinished", TableSchema.UNFINISHED))
                    .expressionAttributeValues(Map.of(
                            ":awaiting", s(RequestState.AWAITING_UPLOAD.name()),
                            ":pending", s(RequestState.PENDING.name()),
                            ":failed", s(RequestState.FAILED.name()),
                            ":error", s(error))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false; // already complete or failed
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    @Override
    public Optional<Meta> meta(String requestId) {
        return rawMeta(requestId)
                .map(item -> new Meta(
                        requestId,
                        RequestState.valueOf(str(item, TableSchema.STATE, RequestState.PENDING.name())),
                        str(item, TableSchema.MODE, ""),
                        str(item, MODE_REASON, ""),
                        num(item, TableSchema.EXPECTED),
                        num(item, TableSchema.ANSWERED),
                        num(item, TableSchema.CREATED_AT),
                        str(item, TableSchema.ERROR, null)));
    }

    @Override
    public List<GateEntry> gateEntries(String requestId) {
        Map<String, AttributeValue> item = rawMeta(requestId).orElse(Map.of());
        AttributeValue inline = item.get(GATE_RESULTS);
        if (inline != null) {
            return readEntries(inline.s().getBytes(StandardCharsets.UTF_8));
        }
        AttributeValue uri = item.get(GATE_RESULTS_URI);
        if (uri == null) {
            return List.of();
        }
        S3Location location = S3Location.parse(uri.s());
        try {
            return readEntries(
                    s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.key()))
                            .asByteArray());
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 GetObject", e);
        }
    }

    @Override
    public Map<String, ItemResult> expertResults(String requestId) {
        Map<String, ItemResult> results = new LinkedHashMap<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :item)")
                    .expressionAttributeNames(Map.of("#pk", TableSchema.PK, "#sk", TableSchema.SK))
                    .expressionAttributeValues(
                            Map.of(":pk", s(TableSchema.requestKey(requestId)), ":item", s(TableSchema.ITEM_PREFIX)));
            if (startKey != null) {
                query.exclusiveStartKey(startKey);
            }
            QueryResponse response;
            try {
                response = dynamoDb.query(query.build());
            } catch (SdkException e) {
                throw AwsFailures.classify("DynamoDB Query", e);
            }
            for (Map<String, AttributeValue> row : response.items()) {
                AttributeValue result = row.get(TableSchema.RESULT);
                if (result != null && result.s() != null) {
                    ItemResult itemResult = Json.read(result.s(), ItemResult.class);
                    results.put(itemResult.id(), itemResult);
                }
            }
            startKey = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
        } while (startKey != null);
        return results;
    }

    @Override
    public int recordExpertResults(String requestId, List<ItemResult> results, long ttlEpochSeconds) {
        String pk = TableSchema.requestKey(requestId);
        int written = 0;
        for (int from = 0; from < results.size(); from += ITEMS_PER_TRANSACTION) {
            List<ItemResult> slice =
                    new ArrayList<>(results.subList(from, Math.min(results.size(), from + ITEMS_PER_TRANSACTION)));
            written += Transactions.writeOnce(
                    dynamoDb,
                    slice,
                    r -> TransactWriteItem.builder()
                            .put(Put.builder()
                                    .tableName(table)
                                    .item(Map.of(
                                            TableSchema.PK, s(pk),
                                            TableSchema.SK, s(TableSchema.itemKey(r.id())),
                                            TableSchema.RESULT, s(Json.write(r)),
                                            TableSchema.TTL, n(ttlEpochSeconds)))
                                    .conditionExpression(Conditions.NEW_ROW)
                                    .expressionAttributeNames(Map.of("#sk", TableSchema.SK))
                                    .build())
                            .build(),
                    count -> TransactWriteItem.builder()
                            .update(Update.builder()
                                    .tableName(table)
                                    .key(metaKey(requestId))
                                    .updateExpression("ADD #answered :n")
                                    .expressionAttributeNames(Map.of("#answered", TableSchema.ANSWERED))
                                    .expressionAttributeValues(Map.of(":n", n(count)))
                                    .build())
                            .build());
        }
        return written;
    }

    @Override
    public boolean tryComplete(String requestId, long nowMs) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(metaKey(requestId))
                    .updateExpression("SET #state = :complete, #completed = :now REMOVE #unfinished")
                    .conditionExpression(Conditions.REQUEST_ALL_ANSWERED)
                    .expressionAttributeNames(Map.of(
                            "#unfinished", TableSchema.UNFINISHED,
                            "#state", TableSchema.STATE,
                            "#completed", TableSchema.COMPLETED_AT,
                            "#answered", TableSchema.ANSWERED,
                            "#expected", TableSchema.EXPECTED))
                    .expressionAttributeValues(Map.of(
                            ":complete", s(RequestState.COMPLETE.name()),
                            ":pending", s(RequestState.PENDING.name()),
                            ":now", n(nowMs))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    @Override
    public List<String> unfinishedCreatedBefore(long cutoffMs, int limit) {
        return UnfinishedIndex.ids(dynamoDb, table, TableSchema.REQUEST_PREFIX, cutoffMs, limit);
    }

    private Optional<Map<String, AttributeValue>> rawMeta(String requestId) {
        GetItemResponse response;
        try {
            response = dynamoDb.getItem(
                    b -> b.tableName(table).key(metaKey(requestId)).consistentRead(true));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(response.item());
    }

    private void putGateEntries(String requestId, List<GateEntry> entries, Map<String, AttributeValue> item) {
        byte[] json = Json.writeBytes(entries);
        if (json.length <= INLINE_GATE_RESULTS_BYTES) {
            item.put(GATE_RESULTS, s(new String(json, StandardCharsets.UTF_8)));
            return;
        }
        String key = BucketLayout.gateResults(requestId);
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(json));
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 PutObject", e);
        }
        item.put(GATE_RESULTS_URI, s(new S3Location(bucket, key).uri()));
    }

    static String errorJson(String code, String field, String message) {
        return Json.write(Map.of("code", code, "field", field, "message", message));
    }

    static List<GateEntry> readEntries(byte[] json) {
        try {
            return Json.mapper().readValue(json, ENTRIES);
        } catch (IOException e) {
            throw new UncheckedIOException("stored gate results are not valid JSON", e);
        }
    }

    private static Map<String, AttributeValue> metaKey(String requestId) {
        return Map.of(TableSchema.PK, s(TableSchema.requestKey(requestId)), TableSchema.SK, s(TableSchema.META));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static String str(Map<String, AttributeValue> item, String name, String fallback) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? fallback : value.s();
    }

    static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
