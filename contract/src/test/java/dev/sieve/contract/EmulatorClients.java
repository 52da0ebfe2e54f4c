package dev.sieve.contract;

import dev.sieve.localaws.LocalAws;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Clients for the shared embedded emulators, optionally with fault-injecting interceptors. */
final class EmulatorClients {
    static final LocalAws AWS = LocalAws.shared();

    private EmulatorClients() {}

    static DynamoDbClient dynamoDb(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(AWS.dynamoDbEndpoint())
                .region(AWS.region())
                .credentialsProvider(AWS.credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o ->
                        o.executionInterceptors(java.util.List.of(interceptors)).retryStrategy(RetryMode.STANDARD))
                .build();
    }
}
