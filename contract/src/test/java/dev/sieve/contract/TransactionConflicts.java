package dev.sieve.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Cancels the next {@code n} TransactWriteItems calls before they are sent, the way DynamoDB answers
 * when another transaction touches the same item: {@code TransactionCanceledException} whose first
 * action's reason is {@code TransactionConflict} (the others {@code None}). Nothing is written.
 */
final class TransactionConflicts implements ExecutionInterceptor {
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    void next(int n) {
        remaining.set(n);
    }

    int injected() {
        return injected.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof TransactWriteItemsRequest request)
                || remaining.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
            return;
        }
        injected.incrementAndGet();
        List<CancellationReason> reasons = new ArrayList<>();
        for (int i = 0; i < request.transactItems().size(); i++) {
            reasons.add(CancellationReason.builder()
                    .code(i == 0 ? "TransactionConflict" : "None")
                    .build());
        }
        throw TransactionCanceledException.builder()
                .message("Transaction cancelled, please refer cancellation reasons for specific reasons")
                .cancellationReasons(reasons)
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("TransactionCanceledException")
                        .serviceName("DynamoDb")
                        .build())
                .build();
    }
}
