package dev.sieve.contract.internal;

import dev.sieve.contract.AwsFailures;
import dev.sieve.shared.result.TableSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A row written once ({@link Conditions#NEW_ROW}): the put of a META row, a claim, a request.
 *
 * <p>A put is not idempotent on the wire: when its response is lost (a timeout or a reset connection after
 * DynamoDB applied it), the SDK sends it again and the retry fails its condition on the row the first
 * attempt wrote. Taken as "another caller wrote it", that made the gate treat its own new request as a
 * concurrent duplicate and never queue its items ({@code sieve chaos}: 5 of 456 requests pending forever).
 * So every put carries a fresh {@link TableSchema#WRITE_TOKEN}, and a failed condition reads the row back
 * (consistently) to see whose it is.
 */
public final class NewRows {
    private NewRows() {}

    /** Puts {@code item} unless its key exists; true when this call wrote it, false when another had. */
    public static boolean put(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> item) {
        String token = UUID.randomUUID().toString();
        Map<String, AttributeValue> row = new HashMap<>(item);
        row.put(TableSchema.WRITE_TOKEN, AttributeValue.fromS(token));
        try {
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(row)
                    .conditionExpression(Conditions.NEW_ROW)
                    .expressionAttributeNames(Map.of("#sk", TableSchema.SK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return token.equals(writeToken(dynamoDb, table, item));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB PutItem", e);
        }
    }

    private static String writeToken(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key =
                Map.of(TableSchema.PK, item.get(TableSchema.PK), TableSchema.SK, item.get(TableSchema.SK));
        try {
            Map<String, AttributeValue> existing = dynamoDb.getItem(
                            b -> b.tableName(table).key(key).consistentRead(true))
                    .item();
            AttributeValue token = existing == null ? null : existing.get(TableSchema.WRITE_TOKEN);
            return token == null ? null : token.s();
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
    }
}
