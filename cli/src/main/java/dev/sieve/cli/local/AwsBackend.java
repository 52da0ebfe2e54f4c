package dev.sieve.cli.local;

import dev.sieve.localaws.LocalAws;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Something that speaks the AWS wire protocols for a local system: the embedded emulators ({@link
 * #of(LocalAws)}) or a LocalStack container. Each supplier builds a new client the caller closes;
 * {@code environment} holds the standard SDK variables ({@code AWS_ENDPOINT_URL_*}, region,
 * credentials) that point other processes and the AWS CLI at it.
 */
public record AwsBackend(
        String name,
        Supplier<SqsClient> sqs,
        Supplier<DynamoDbClient> dynamoDb,
        Supplier<S3Client> s3,
        Supplier<S3Presigner> presigner,
        Map<String, String> environment) {

    public AwsBackend {
        environment = Map.copyOf(environment);
    }

    public static AwsBackend of(LocalAws aws) {
        return new AwsBackend(
                "embedded (ElasticMQ, DynamoDB Local, S3Proxy)",
                aws::sqsClient,
                aws::dynamoDbClient,
                aws::s3Client,
                aws::s3Presigner,
                aws.environment());
    }

    String endpoint(String service) {
        return environment.getOrDefault(
                "AWS_ENDPOINT_URL_" + service, environment.getOrDefault("AWS_ENDPOINT_URL", "?"));
    }
}
