package dev.sieve.contract;

import dev.sieve.localaws.LocalAws;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Clients for the shared embedded emulators, optionally with a fault-injecting interceptor. */
final class EmulatorClients {
    static final LocalAws AWS = LocalAws.shared();

    private EmulatorClients() {}

    static DynamoDbClient dynamoDb(ExecutionInterceptor interceptor) {
        return DynamoDbClient.builder()
                .endpointOverride(AWS.dynamoDbEndpoint())
                .region(AWS.region())
                .credentialsProvider(AWS.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(
                        o -> o.addExecutionInterceptor(interceptor).retryStrategy(RetryMode.STANDARD))
                .build();
    }
}
