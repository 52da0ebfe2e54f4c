package dev.sieve.gate.service;

/** An Idempotency-Key sent again with another body (HTTP 422). */
public final class IdempotencyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyConflictException(String message) {
        super(message);
    }
}
