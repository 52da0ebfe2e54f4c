package dev.sieve.gate.service;

import java.util.Objects;

/**
 * The caller's input broke a rule; answered with 400 and a JSON error naming the field and the rule.
 * The message never contains the caller's payload.
 */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    public InvalidRequestException(String field, String rule) {
        super(field + " " + rule);
        this.field = Objects.requireNonNull(field, "field");
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** The offending field as a JSON path, e.g. {@code items[3].text}, or {@code body}. */
    public String field() {
        return field;
    }

    /** What the field must be, e.g. {@code must be a non-empty string}. */
    public String rule() {
        return rule;
    }
}
