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
 * @param gateFallbacks items answered with the gate's label (tier {@code gate_fallback}) because their
 *     deadline passed before their batch formed and their request allowed it
 * @param cacheHits items answered from the response cache (tier {@code cache}) instead of the expert
 * @param cacheMisses items the expert ran with the cache on (hit rate = hits / (hits + misses))
 * @param transientRetries times a message was held through a dependency outage and retried
 * @param inFlightMessages messages held now
 * @param batchesByRelease batches by why they were released ({@code full}, {@code tokens}, {@code wait},
 *     {@code idle}, {@code backlog}, {@code drain})
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
        long gateFallbacks,
        long cacheHits,
        long cacheMisses,
        long transientRetries,
        int inFlightMessages,
        java.util.Map<String, Long> batchesByRelease) {

    public WorkerStats {
        batchesByRelease = java.util.Map.copyOf(batchesByRelease);
    }

    /** Share of the cache's lookups that found an answer (0 with the cache off). */
    public double cacheHitRate() {
        long lookups = cacheHits + cacheMisses;
        return lookups == 0 ? 0 : (double) cacheHits / lookups;
    }

    /** Share of computed tokens that were padding. */
    public double paddingShare() {
        return paddedTokens == 0 ? 0 : (double) (paddedTokens - usefulTokens) / paddedTokens;
    }
}
