package dev.sieve.gate.batch;

/**
 * Where "a batch-transform job finished" goes. In AWS this is a log line plus an EMF metric that an
 * alarm or subscription can act on (EventBridge {@code PutEvents} can plug in here); locally the same
 * log line.
 */
public interface CompletionEvents {

    void jobCompleted(JobCompleted event);

    /** A job that cannot finish: by default only logged by whoever failed it. */
    default void jobFailed(JobFailed event) {}

    /** A finished job of {@code tenant} ({@code jobId} as the tenant sees it): its output and lost lines. */
    record JobCompleted(
            String tenant, String jobId, String manifest, String output, long items, long lost, long duplicates) {}

    /** A failed job of {@code tenant} ({@code jobId} as the tenant sees it) and why. */
    record JobFailed(String tenant, String jobId, String manifest, String reason) {}
}
