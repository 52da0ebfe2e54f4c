package dev.sieve.shared.corpus;

/** Training or evaluation data cannot be obtained or is not valid; the message names the problem. */
public final class CorpusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
