package dev.sieve.gate.service;

/** Values of the {@code state} attribute of a request's META item. */
public enum RequestState {
    /** A presigned upload was handed out; the body has not been processed yet. */
    AWAITING_UPLOAD,
    /** Escalated items are with the expert. */
    PENDING,
    /** Every item has a result (the worker flips PENDING to COMPLETE exactly once). */
    COMPLETE,
    /** The request could not be processed (e.g. an uploaded body broke a rule); see {@code error}. */
    FAILED
}
