package dev.sieve.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.localaws.LocalAws.Service;
import dev.sieve.shared.result.TableSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@link LocalAws#startWithOutages()}: each service can be taken off the network and put back on the
 * same port, and comes back with its data (what {@code sieve chaos} relies on).
 */
class LocalAwsOutageIT {

    @Test
    void stop_whenRestarted_refusedMeanwhileThenServesTheSameDataOnTheSamePort() {
        try (LocalAws aws = LocalAws.startWithOutages();
                SqsClient sqs = aws.sqsClient();
                DynamoDbClient dynamoDb = aws.dynamoDbClient();
                S3Client s3 = aws.s3Client()) {
            SieveResources resources = SieveResources.create(aws, "outage");
            Map<String, AttributeValue> key =
                    Map.of(TableSchema.PK, AttributeValue.fromS("REQ#x"), TableSchema.SK, AttributeValue.fromS("META"));
            dynamoDb.putItem(b -> b.tableName(resources.tableName()).item(key));
            s3.putObject(b -> b.bucket(resources.bucketName()).key("k"), RequestBody.fromString("kept"));
            sqs.sendMessage(b -> b.queueUrl(resources.batchQueueUrl()).messageBody("kept"));
            String endpoint = aws.dynamoDbEndpoint().toString();

            for (Service service : Service.values()) {
                aws.stop(service);
                assertThat(aws.running(service)).isFalse();
            }
            assertThatThrownBy(() -> dynamoDb.getItem(
                            b -> b.tableName(resources.tableName()).key(key)))
                    .isInstanceOf(SdkClientException.class);
            assertThatThrownBy(() -> s3.getObjectAsBytes(
                            b -> b.bucket(resources.bucketName()).key("k")))
                    .isInstanceOf(SdkClientException.class);
            assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName("outage-batch")))
                    .isInstanceOf(SdkClientException.class);

            for (Service service : Service.values()) {
                aws.restart(service);
                assertThat(aws.running(service)).isTrue();
            }
            assertThat(aws.dynamoDbEndpoint().toString()).isEqualTo(endpoint);
            assertThat(dynamoDb.getItem(b ->
                                    b.tableName(resources.tableName()).key(key).consistentRead(true))
                            .hasItem())
                    .isTrue();
            assertThat(s3.getObjectAsBytes(b -> b.bucket(resources.bucketName()).key("k"))
                            .asUtf8String())
                    .isEqualTo("kept");
            assertThat(sqs.receiveMessage(
                                    b -> b.queueUrl(resources.batchQueueUrl()).waitTimeSeconds(5))
                            .messages())
                    .extracting(m -> m.body())
                    .containsExactly("kept");
        }
    }

    @Test
    void stop_onAnInstanceWithoutRelays_saysHowToGetThem() {
        LocalAws aws = LocalAws.shared();
        assertThatThrownBy(() -> aws.stop(Service.SQS)).hasMessageContaining("startWithOutages");
        assertThat(aws.running(Service.SQS)).isTrue();
    }
}
