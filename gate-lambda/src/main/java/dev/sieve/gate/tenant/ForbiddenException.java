package dev.sieve.gate.tenant;

/** The caller is authenticated but maps to no tenant Sieve accepts; answered 403. */
public final class ForbiddenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message) {
        super(message);
    }
}
