package dev.sieve.gate.service;

/** An id the caller named (request, job) does not exist or has expired; answered with 404. */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
