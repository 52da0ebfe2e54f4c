package dev.sieve.worker.internal;

import dev.sieve.contract.CapacityException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Tells a dependency's fault (DynamoDB, S3 or SQS throttled, answering 5xx, timing out or unreachable)
 * from a message's own. The first is retried while the worker holds the message and never spends the
 * message's receives (its poison budget); only the second leads to the dead-letter queue.
 */
public final class Faults {
    private Faults() {}

    /** True when {@code error}, or anything that caused it, is a dependency outage. */
    public static boolean isTransient(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof CapacityException
                    || e instanceof SdkClientException
                    || e instanceof UncheckedIOException) {
                return true;
            }
            if (e instanceof AwsServiceException service
                    && (service.isThrottlingException() || service.statusCode() >= 500)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code error} is the result table's outage (DynamoDB, named so by the contract's
     * {@code CapacityException}s): every message's results go through the table, so it stops every
     * queue's writes, where an S3 outage stops only the writes that put files (job chunks).
     */
    public static boolean isTableOutage(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof CapacityException
                    && e.getMessage() != null
                    && e.getMessage().startsWith("DynamoDB")) {
                return true;
            }
            if (e instanceof AwsServiceException service
                    && service.awsErrorDetails() != null
                    && "DynamoDb".equals(service.awsErrorDetails().serviceName())) {
                return true;
            }
        }
        return false;
    }
}
