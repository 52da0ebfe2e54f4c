package dev.sieve.contract;

/** Values of the {@code state} attribute of a request's META item; transitions in {@link RequestStore}. */
public enum RequestState {
    /** A presigned upload was handed out; the body has not been processed yet. */
    AWAITING_UPLOAD,
    /** Escalated items are with the expert. */
    PENDING,
    /** Every item has a result (the worker flips PENDING to COMPLETE exactly once). */
    COMPLETE,
    /** The request could not be processed (e.g. an uploaded body broke a rule); see {@code error}. */
    FAILED;

    public boolean terminal() {
        return this == COMPLETE || this == FAILED;
    }
}
