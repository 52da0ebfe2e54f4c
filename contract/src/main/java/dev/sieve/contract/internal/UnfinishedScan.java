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
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The reaper's sweep: ids of unfinished META rows created before a cutoff, by a paginated Scan with a
 * filter from {@link Conditions}. A Scan reads the whole table (ITEM rows too), so it runs on a timer
 * (minutes), never on a request path.
 */
public final class UnfinishedScan {
    private UnfinishedScan() {}

    /**
     * @param prefix {@link TableSchema#REQUEST_PREFIX} or {@link TableSchema#JOB_PREFIX}
     * @param filter the filter expression ({@code #sk #pk #created #state}, {@code :meta :prefix :cutoff} bound here)
     * @param stateValues the filter's state placeholders and values
     */
    public static List<String> ids(
            DynamoDbClient dynamoDb,
            String table,
            String prefix,
            String filter,
            Map<String, String> stateValues,
            long cutoffMs,
            int limit) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":meta", AttributeValue.fromS(TableSchema.META));
        values.put(":prefix", AttributeValue.fromS(prefix));
        values.put(":cutoff", AttributeValue.fromN(Long.toString(cutoffMs)));
        stateValues.forEach((k, v) -> values.put(k, AttributeValue.fromS(v)));
        Map<String, String> names = Map.of(
                "#sk", TableSchema.SK,
                "#pk", TableSchema.PK,
                "#created", TableSchema.CREATED_AT,
                "#state", TableSchema.STATE);
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder()
                    .tableName(table)
                    .filterExpression(filter)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .projectionExpression("#pk");
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse page;
            try {
                page = dynamoDb.scan(request.build());
            } catch (SdkException e) {
                throw AwsFailures.classify("DynamoDB Scan", e);
            }
            for (Map<String, AttributeValue> item : page.items()) {
                if (ids.size() < limit) {
                    ids.add(item.get(TableSchema.PK).s().substring(prefix.length()));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && ids.size() < limit);
        return ids;
    }
}
