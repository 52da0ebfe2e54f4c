package dev.sieve.worker.expert;

/** The expert could not score a batch (runtime error, bad input shape). */
public final class ExpertException extends Exception {
    private static final long serialVersionUID = 1L;

    public ExpertException(String message, Throwable cause) {
        super(message, cause);
    }

    public ExpertException(String message) {
        super(message);
    }
}
