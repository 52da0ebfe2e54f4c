package dev.sieve.gate.tenant;

/** The call carries no identity Sieve accepts; answered 401 with what to send. */
public final class UnauthenticatedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnauthenticatedException(String message) {
        super(message);
    }
}
