package dev.sieve.contract;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Maps AWS SDK failures to what the API says: throttled (429), unavailable (503), or a real bug. */
public final class AwsFailures {
    private AwsFailures() {}

    /**
     * Throttling and 5xx become a {@link CapacityException}; client-side failures (timeouts,
     * connection refused) too; anything else is rethrown as it is (a bug: wrong table, bad request).
     */
    public static RuntimeException classify(String operation, SdkException e) {
        if (e instanceof AwsServiceException service) {
            if (service.isThrottlingException()) {
                return new CapacityException(operation + " was throttled", true, 1, e);
            }
            if (service.statusCode() >= 500) {
                return new CapacityException(operation + " is unavailable (" + service.statusCode() + ")", false, 2, e);
            }
            return e;
        }
        if (e instanceof SdkClientException) {
            return new CapacityException(operation + " could not be reached: " + e.getMessage(), false, 2, e);
        }
        return e;
    }
}
