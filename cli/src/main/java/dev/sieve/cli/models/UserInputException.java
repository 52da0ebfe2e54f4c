package dev.sieve.cli.models;

/** Something the user asked for cannot be done; the message says what and how to fix it. */
public final class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }
}
