package dev.sieve.contract;

/** Values of a job's {@code state} attribute; transitions in {@link JobStore}. */
public enum JobState {
    /** The manifest is being split into chunks. */
    SCANNING,
    /** Chunks are being gated and escalated. */
    RUNNING,
    /** Every chunk is counted; the output is being written. */
    ASSEMBLING,
    /** The output is written; {@code output}, {@code lost} and {@code duplicates} are set. */
    COMPLETE,
    /** The job cannot finish; {@code error} says why. */
    FAILED;

    public boolean terminal() {
        return this == COMPLETE || this == FAILED;
    }
}
