package dev.sieve.gate.tenant;

/** A tenant is over one of its quotas; answered 429 with {@code Retry-After} and the limit it hit. */
public final class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The rate limit ({@code SIEVE_QUOTA_ITEMS_PER_SECOND}). */
    public static final String RATE = "items_per_second";
    /** The daily limit ({@code SIEVE_QUOTA_DAILY_ITEMS}). */
    public static final String DAILY = "daily_items";

    private final String limit;
    private final long retryAfterSeconds;

    public QuotaExceededException(String limit, long retryAfterSeconds, String message) {
        super(message);
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Which limit was hit: {@link #RATE} or {@link #DAILY}. */
    public String limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
