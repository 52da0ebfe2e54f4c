package dev.sieve.contract.internal;

import dev.sieve.contract.AwsFailures;
import dev.sieve.shared.result.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The reaper's deadline sweep: ids of unfinished META rows created before a cutoff, by one Query per
 * shard of the sparse index {@link TableSchema#UNFINISHED_INDEX}, which holds unfinished rows only. It
 * reads what is unfinished, not the table: a Scan read every result row too (at a billion items a day,
 * tens of GB per sweep).
 */
public final class UnfinishedIndex {
    private UnfinishedIndex() {}

    /**
     * @param prefix {@link TableSchema#REQUEST_PREFIX} or {@link TableSchema#JOB_PREFIX}
     * @return at most {@code limit} ids (the partition keys without the prefix), oldest first per shard
     */
    public static List<String> ids(DynamoDbClient dynamoDb, String table, String prefix, long cutoffMs, int limit) {
        List<String> ids = new ArrayList<>();
        for (int shard = 0; shard < TableSchema.UNFINISHED_SHARDS && ids.size() < limit; shard++) {
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":shard", AttributeValue.fromS(Integer.toString(shard)));
            values.put(":cutoff", AttributeValue.fromN(Long.toString(cutoffMs)));
            values.put(":prefix", AttributeValue.fromS(prefix));
            Map<String, AttributeValue> start = null;
            do {
                QueryRequest.Builder request = QueryRequest.builder()
                        .tableName(table)
                        .indexName(TableSchema.UNFINISHED_INDEX)
                        .keyConditionExpression("#unfinished = :shard AND #created < :cutoff")
                        .filterExpression("begins_with(#pk, :prefix)")
                        .expressionAttributeNames(Map.of(
                                "#unfinished", TableSchema.UNFINISHED,
                                "#created", TableSchema.CREATED_AT,
                                "#pk", TableSchema.PK))
                        .expressionAttributeValues(values);
                if (start != null) {
                    request.exclusiveStartKey(start);
                }
                QueryResponse page;
                try {
                    page = dynamoDb.query(request.build());
                } catch (SdkException e) {
                    throw AwsFailures.classify("DynamoDB Query", e);
                }
                for (Map<String, AttributeValue> item : page.items()) {
                    if (ids.size() < limit) {
                        ids.add(item.get(TableSchema.PK).s().substring(prefix.length()));
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null && ids.size() < limit);
        }
        return ids;
    }
}
