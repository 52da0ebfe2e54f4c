package dev.sieve.localaws;

/** The local AWS emulators could not start or the local resources could not be created. */
public final class LocalAwsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalAwsException(String message, Throwable cause) {
        super(message, cause);
    }

    public LocalAwsException(String message) {
        super(message);
    }
}
