package dev.sieve.contract.internal;

import dev.sieve.contract.AwsFailures;
import dev.sieve.contract.CapacityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The one "write rows once and count them" transaction of the contract (expert result rows + {@code
 * answered}, a chunk's marker + {@code chunks_done}). A cancellation is read reason by reason: a row whose
 * condition failed was written by an earlier delivery and is dropped; a transaction conflict or a
 * throttle is retried with backoff and never taken for "already written"; anything else propagates.
 */
public final class Transactions {
    static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    private static final Set<String> RETRYABLE =
            Set.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded");
    static final int MAX_ATTEMPTS = 8;

    private Transactions() {}

    /**
     * Writes {@code rows} (each a conditional Put built by {@code rowAction}) plus the counter update for
     * the rows that were new, in one transaction per attempt.
     *
     * @return how many rows this call wrote (0 when an earlier delivery wrote them all)
     * @throws CapacityException when conflicts or throttles outlast the attempts (transient: retry later)
     */
    public static <T> int writeOnce(
            DynamoDbClient dynamoDb,
            List<T> rows,
            Function<T, TransactWriteItem> rowAction,
            LongFunction<TransactWriteItem> counterAction) {
        List<T> pending = new ArrayList<>(rows);
        for (int attempt = 1; ; attempt++) {
            if (pending.isEmpty()) {
                return 0;
            }
            List<TransactWriteItem> actions = new ArrayList<>(pending.size() + 1);
            pending.forEach(row -> actions.add(rowAction.apply(row)));
            actions.add(counterAction.apply(pending.size()));
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(actions));
                return pending.size();
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (reasons.isEmpty()) {
                    throw retryLater(e, attempt);
                }
                List<T> remaining = new ArrayList<>();
                boolean retry = false;
                for (int i = 0; i < reasons.size(); i++) {
                    String code = reasons.get(i).code();
                    if (i < pending.size() && CONDITIONAL_CHECK_FAILED.equals(code)) {
                        continue; // written by an earlier delivery
                    }
                    if (i < pending.size()) {
                        remaining.add(pending.get(i));
                    }
                    if (code != null && RETRYABLE.contains(code)) {
                        retry = true;
                    } else if (code != null && !"None".equals(code)) {
                        throw e; // validation or another bug: not something a retry fixes
                    }
                }
                if (retry && attempt >= MAX_ATTEMPTS) {
                    throw retryLater(e, attempt);
                }
                pending = remaining;
                if (retry) {
                    backoff(attempt);
                }
            } catch (SdkException e) {
                throw AwsFailures.classify("DynamoDB TransactWriteItems", e);
            }
        }
    }

    private static CapacityException retryLater(TransactionCanceledException e, int attempts) {
        return new CapacityException(
                "DynamoDB TransactWriteItems kept conflicting (" + attempts + " attempts)", true, 1, e);
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(1000, 10L << attempt) + (long) (Math.random() * 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CapacityException("interrupted while retrying a transaction", false, 1, e);
        }
    }
}
