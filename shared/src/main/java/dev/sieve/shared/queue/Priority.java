package dev.sieve.shared.queue;

/** Queue priority. Workers drain REALTIME before ASYNC before BATCH (with bounded starvation). */
public enum Priority {
    REALTIME,
    ASYNC,
    BATCH
}
