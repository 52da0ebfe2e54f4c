package dev.sieve.gate.model;

/** A gate model cannot be trained, read or used; the message names the problem. */
public final class GateModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GateModelException(String message) {
        super(message);
    }

    public GateModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
