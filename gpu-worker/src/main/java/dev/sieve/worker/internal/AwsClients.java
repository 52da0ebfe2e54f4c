package dev.sieve.worker.internal;

import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The worker's three AWS clients, built once with explicit timeouts and closed together. Region,
 * credentials and endpoints come from the SDK's standard providers ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_SQS}, ...).
 */
public record AwsClients(SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3) implements AutoCloseable {
    /** Above SQS's 20 s long poll. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(45);

    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param connections HTTP connections per client (poller, writers and heart-beat share them)
     * @param s3PathStyle path-style S3 addressing, for S3-compatible endpoints
     */
    public static AwsClients create(int connections, boolean s3PathStyle) {
        ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
                .apiCallTimeout(CALL_TIMEOUT)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .build();
        return new AwsClients(
                SqsClient.builder()
                        .httpClientBuilder(http(connections))
                        .overrideConfiguration(timeouts)
                        .build(),
                DynamoDbClient.builder()
                        .httpClientBuilder(http(connections))
                        .overrideConfiguration(timeouts)
                        .build(),
                S3Client.builder()
                        .httpClientBuilder(http(connections))
                        .overrideConfiguration(timeouts)
                        .forcePathStyle(s3PathStyle)
                        .build());
    }

    private static ApacheHttpClient.Builder http(int connections) {
        return ApacheHttpClient.builder()
                .maxConnections(connections)
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(ATTEMPT_TIMEOUT);
    }

    @Override
    public void close() {
        sqs.close();
        dynamoDb.close();
        s3.close();
    }
}
