package dev.sieve.worker;

/**
 * A worker's counters since start (benchmarks and tests).
 *
 * @param answeredItems items whose results were written
 * @param batches expert batches run
 * @param paddedTokens tokens the expert computed (longest sequence × items, per batch)
 * @param usefulTokens tokens of the items themselves
 * @param expertNanos time inside the expert
 * @param deadlineMisses items answered after their deadline
 * @param poisonMessages bodies that were not queue messages
 * @param releasedForVersion messages released because they were for another bundle version
 * @param itemErrors items answered with the gate's label after failing {@code itemRetryLimit} times
 * @param transientRetries times a message was held through a dependency outage and retried
 * @param inFlightMessages messages held now
 * @param batchesByRelease batches by why they were released ({@code full}, {@code tokens}, {@code wait},
 *     {@code backlog}, {@code drain})
 */
public record WorkerStats(
        long answeredItems,
        long batches,
        long paddedTokens,
        long usefulTokens,
        long expertNanos,
        long deadlineMisses,
        long poisonMessages,
        long releasedForVersion,
        long itemErrors,
        long transientRetries,
        int inFlightMessages,
        java.util.Map<String, Long> batchesByRelease) {

    public WorkerStats {
        batchesByRelease = java.util.Map.copyOf(batchesByRelease);
    }

    /** Share of computed tokens that were padding. */
    public double paddingShare() {
        return paddedTokens == 0 ? 0 : (double) (paddedTokens - usefulTokens) / paddedTokens;
    }
}
