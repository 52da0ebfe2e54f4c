package dev.sieve.contract;

import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Loses the response of the next {@code n} PutItem calls after DynamoDB applied them, the way a timeout or
 * a reset connection does: the SDK sees a socket timeout and sends the same put again.
 */
final class LostResponses implements ExecutionInterceptor {
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();

    void next(int n) {
        remaining.set(n);
    }

    int lost() {
        return lost.get();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof PutItemRequest) || remaining.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
            return;
        }
        lost.incrementAndGet();
        throw SdkClientException.create(
                "the response was lost after DynamoDB applied the put", new SocketTimeoutException("Read timed out"));
    }
}
