package dev.sieve.gate.service;

/**
 * No model bundle exists yet where the gate is configured to load one (a fresh stack before its first
 * {@code sieve bundle publish}). Answered with 503 {@code model_not_loaded} and a {@code Retry-After}
 * header; nothing of the request is stored, so retrying once a bundle exists is safe.
 */
public final class ModelNotLoadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int retryAfterSeconds;

    public ModelNotLoadedException(String message, int retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
