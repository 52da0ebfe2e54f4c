package dev.sieve.contract;

/**
 * SQS refused a message for its own content (a sender fault: invalid characters, too large). Retrying
 * the same message cannot succeed, so this is not a {@link CapacityException}: the API answers 500 (the
 * request was valid; Sieve built a bad message) and a worker sends the message to its DLQ.
 */
public final class QueueRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueRejectedException(String message) {
        super(message);
    }
}
