package dev.sieve.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * A DynamoDB outage injected into a client: while it lasts, every call is answered 503 Service
 * Unavailable before anything is sent (nothing is written).
 */
final class Outage implements ExecutionInterceptor {
    private volatile long untilNanos;
    private final AtomicInteger injected = new AtomicInteger();

    void start(Duration length) {
        untilNanos = System.nanoTime() + length.toNanos();
    }

    int injected() {
        return injected.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (System.nanoTime() - untilNanos >= 0) {
            return;
        }
        injected.incrementAndGet();
        throw DynamoDbException.builder()
                .message("injected outage")
                .statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ServiceUnavailable")
                        .serviceName("DynamoDb")
                        .build())
                .build();
    }
}
