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
}
