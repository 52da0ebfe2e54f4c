package dev.sieve.shared.bundle;

/** A model bundle is missing, incomplete or does not match its manifest. */
public final class BundleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
