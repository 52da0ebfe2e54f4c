package dev.sieve.contract;

/**
 * A dependency (SQS, DynamoDB, S3) throttled or was unreachable; answered with 429 (throttled) or 503
 * (unavailable) and a {@code Retry-After} header. Retrying the same request later is safe.
 */
public final class CapacityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean throttled;
    private final int retryAfterSeconds;

    public CapacityException(String message, boolean throttled, int retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.throttled = throttled;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public boolean throttled() {
        return throttled;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
