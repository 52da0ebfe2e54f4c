package dev.sieve.gate.it;

import dev.sieve.shared.result.BucketLayout;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * An S3 outage as assembly meets it: after {@link #failNext}, the next {@code n} GetObject calls on a
 * part file ({@link BucketLayout#JOBS_PARTS}) fail before they are sent, SDK retries included, the way
 * a connection refused does.
 */
final class PartReadFaults implements ExecutionInterceptor {
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    void failNext(int n) {
        remaining.set(n);
    }

    int injected() {
        return injected.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof GetObjectRequest get
                && get.key().startsWith(BucketLayout.JOBS_PARTS)
                && remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            injected.incrementAndGet();
            throw SdkClientException.create("injected: S3 could not be reached");
        }
    }
}
