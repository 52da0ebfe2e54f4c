package dev.sieve.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A DynamoDB or S3 outage injected into a client: while it lasts, every call is answered 503 Service
 * Unavailable before anything is sent (nothing is written).
 */
final class Outage implements ExecutionInterceptor {
    private final String service;
    private volatile long untilNanos;
    private final AtomicInteger injected = new AtomicInteger();

    /** A DynamoDB outage. */
    Outage() {
        this("DynamoDb");
    }

    private Outage(String service) {
        this.service = service;
    }

    /** An S3 outage (503 Slow Down / Service Unavailable on every call). */
    static Outage s3() {
        return new Outage("S3");
    }

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
        AwsErrorDetails details = AwsErrorDetails.builder()
                .errorCode("ServiceUnavailable")
                .serviceName(service)
                .build();
        if (service.equals("S3")) {
            throw S3Exception.builder()
                    .message("injected outage")
                    .statusCode(503)
                    .awsErrorDetails(details)
                    .build();
        }
        throw DynamoDbException.builder()
                .message("injected outage")
                .statusCode(503)
                .awsErrorDetails(details)
                .build();
    }
}
