package dev.sieve.gate;

import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients the gate uses, built once per process and closed by their owner. In Lambda they
 * come from {@link #forLambda}; {@code sieve local} and tests pass clients pointed at the embedded
 * emulators.
 */
public record AwsClients(SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, S3Presigner presigner)
        implements AutoCloseable {

    public AwsClients {
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(s3, "s3");
        Objects.requireNonNull(presigner, "presigner");
    }

    /**
     * Clients for the Lambda runtime: region, credentials and endpoints from the SDK's standard
     * environment (including {@code AWS_ENDPOINT_URL_*}), the light URL-connection HTTP client,
     * explicit call and attempt timeouts.
     */
    public static AwsClients forLambda(GateConfig config) {
        ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .apiCallAttemptTimeout(Duration.ofSeconds(3))
                .build();
        S3Configuration s3Configuration = S3Configuration.builder()
                .pathStyleAccessEnabled(config.s3PathStyle())
                .build();
        return new AwsClients(
                SqsClient.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .overrideConfiguration(timeouts)
                        .build(),
                DynamoDbClient.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .overrideConfiguration(timeouts)
                        .build(),
                S3Client.builder()
                        .httpClientBuilder(UrlConnectionHttpClient.builder())
                        .overrideConfiguration(ClientOverrideConfiguration.builder()
                                .apiCallTimeout(Duration.ofSeconds(60))
                                .apiCallAttemptTimeout(Duration.ofSeconds(30))
                                .build())
                        .serviceConfiguration(s3Configuration)
                        .build(),
                S3Presigner.builder().serviceConfiguration(s3Configuration).build());
    }

    @Override
    public void close() {
        sqs.close();
        dynamoDb.close();
        s3.close();
        presigner.close();
    }
}
