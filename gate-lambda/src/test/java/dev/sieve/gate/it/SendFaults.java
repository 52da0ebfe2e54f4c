package dev.sieve.gate.it;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Fails one chosen send to a queue the way a process that dies mid-dispatch leaves it: the sends before it
 * went out, this one and everything after it in the same invocation did not. Counts SendMessage and
 * SendMessageBatch calls to {@code queueUrl}; the {@code n}-th (1-based) after {@link #failCall} throws.
 */
final class SendFaults implements ExecutionInterceptor {
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failAt = new AtomicInteger(-1);
    private final AtomicInteger injected = new AtomicInteger();
    private volatile String queueUrl = "";

    void failCall(String queueUrl, int n) {
        this.queueUrl = queueUrl;
        calls.set(0);
        failAt.set(n);
    }

    int injected() {
        return injected.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String target;
        if (context.request() instanceof SendMessageBatchRequest batch) {
            target = batch.queueUrl();
        } else if (context.request() instanceof SendMessageRequest single) {
            target = single.queueUrl();
        } else {
            return;
        }
        if (target.equals(queueUrl) && calls.incrementAndGet() == failAt.get()) {
            injected.incrementAndGet();
            throw SdkClientException.create("injected: the process died before this send");
        }
    }
}
