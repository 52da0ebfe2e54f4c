package dev.sieve.gate.batch;

/**
 * Where "a batch-transform job finished" goes: a log line plus an EMF metric ({@code JobsCompleted}, ...),
 * in AWS and locally. The EventBridge events are not sent from here: the events Lambda builds them from
 * the table's stream of the same transitions (events-lambda/README.md), so the gate carries no EventBridge
 * client.
 */
public interface CompletionEvents {

    void jobCompleted(JobCompleted event);

    /** A job that cannot finish: by default only logged by whoever failed it. */
    default void jobFailed(JobFailed event) {}

    /** A finished job of {@code tenant} ({@code jobId} as the tenant sees it): its output and lost lines. */
    record JobCompleted(
            String tenant, String jobId, String manifest, String output, long items, long lost, long duplicates) {}

    /** An API request that cannot finish (its work reached a dead-letter queue, or its deadline passed). */
    default void requestFailed(RequestFailed event) {}

    /** A failed request ({@code requestId} tenant-scoped) and why. */
    record RequestFailed(String requestId, String reason) {}

    /** A failed job of {@code tenant} ({@code jobId} as the tenant sees it) and why. */
    record JobFailed(String tenant, String jobId, String manifest, String reason) {}
}
