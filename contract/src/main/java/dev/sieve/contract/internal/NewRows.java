package dev.sieve.contract.internal;

import dev.sieve.contract.AwsFailures;
import dev.sieve.shared.result.TableSchema;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** A row written once ({@link Conditions#NEW_ROW}): the put of a META row, a claim, a request. */
public final class NewRows {
    private NewRows() {}

    /** Puts {@code item} unless its key exists; true when this call wrote it, false when it existed. */
    public static boolean put(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> item) {
        try {
            dynamoDb.putItem(b -> b.tableName(table)
                    .item(item)
                    .conditionExpression(Conditions.NEW_ROW)
                    .expressionAttributeNames(Map.of("#sk", TableSchema.SK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB PutItem", e);
        }
    }
}
