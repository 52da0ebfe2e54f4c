package dev.sieve.e2e;

import dev.sieve.cli.local.AwsBackend;
import java.util.Map;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The same scenarios against LocalStack in a container (one per JVM); skipped cleanly when no
 * container runtime is available. Recent LocalStack images need {@code LOCALSTACK_AUTH_TOKEN}.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackEndToEndIT extends EndToEndScenarios {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
                    DockerImageName.parse("localstack/localstack:4.4"))
            .withServices("sqs", "dynamodb", "s3")
            .withEnv("LOCALSTACK_AUTH_TOKEN", System.getenv().getOrDefault("LOCALSTACK_AUTH_TOKEN", ""));

    @Override
    AwsBackend backend() {
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        var endpoint = LOCALSTACK.getEndpoint();
        return new AwsBackend(
                "LocalStack " + endpoint,
                () -> SqsClient.builder()
                        .endpointOverride(endpoint)
                        .region(region)
                        .credentialsProvider(credentials)
                        .build(),
                () -> DynamoDbClient.builder()
                        .endpointOverride(endpoint)
                        .region(region)
                        .credentialsProvider(credentials)
                        .build(),
                () -> S3Client.builder()
                        .endpointOverride(endpoint)
                        .region(region)
                        .credentialsProvider(credentials)
                        .forcePathStyle(true)
                        .build(),
                () -> S3Presigner.builder()
                        .endpointOverride(endpoint)
                        .region(region)
                        .credentialsProvider(credentials)
                        .serviceConfiguration(S3Configuration.builder()
                                .pathStyleAccessEnabled(true)
                                .build())
                        .build(),
                Map.of(
                        "AWS_ENDPOINT_URL", endpoint.toString(),
                        "AWS_REGION", LOCALSTACK.getRegion(),
                        "AWS_ACCESS_KEY_ID", LOCALSTACK.getAccessKey(),
                        "AWS_SECRET_ACCESS_KEY", LOCALSTACK.getSecretKey()));
    }
}
