package dev.sieve.contract;

import dev.sieve.shared.result.TableSchema;
import java.util.Optional;

/**
 * Batch-transform jobs in the table ({@link TableSchema}): the job's META item and one {@code CHUNK#<n>}
 * marker per counted chunk. The gate creates, scans and assembles jobs; the gate (all-confident chunks)
 * and the worker (escalated chunks) count chunks done. Implementations: {@link DynamoDbJobStore}, {@link
 * InMemoryJobStore}; both pass {@code JobStoreContract}.
 *
 * <p>State machine: {@code SCANNING → RUNNING → ASSEMBLING → COMPLETE} (a manifest without lines goes
 * SCANNING → ASSEMBLING); any unfinished state → FAILED. COMPLETE and FAILED are final.
 */
public interface JobStore {

    /** A job's META item, as read. */
    record Job(
            String jobId,
            JobState state,
            String manifestUri,
            long chunks,
            long chunksDone,
            long items,
            String outputUri,
            Long lost,
            Long duplicates,
            String error,
            long createdAtMs) {

        /** Every chunk is counted and the job is still to be assembled. */
        public boolean readyToAssemble() {
            return (state == JobState.RUNNING || state == JobState.ASSEMBLING) && chunksDone >= chunks;
        }
    }

    /**
     * Names the job that owns one manifest version: {@code jobId} when no job claimed it yet, else the job
     * that did (an S3 event and a POST for the same object, or a redelivery, then share one job). Job ids
     * are random, so they cannot be derived from the manifest's key and ETag.
     *
     * @param manifestVersion tenant-scoped hash of the manifest's key and ETag
     * @return the id of the job that owns the manifest version
     */
    String claimManifest(String manifestVersion, String jobId, long ttlEpochSeconds);

    /** Puts a new job's META (SCANNING); false when the job already exists. */
    boolean create(String jobId, String manifestUri, long nowMs, long ttlEpochSeconds);

    Optional<Job> job(String jobId);

    /**
     * SCANNING → RUNNING (or ASSEMBLING when {@code chunks == 0}) with the chunk and line counts; false
     * when the job had already left SCANNING.
     */
    boolean startRunning(String jobId, long chunks, long items);

    /**
     * Counts chunk {@code chunk} done, exactly once (marker + counter in one transaction; conflicts are
     * retried, never taken for "already counted").
     *
     * @return the job as it is after the count, and whether this call counted the chunk
     */
    ChunkCount countChunkDone(String jobId, int chunk, long ttlEpochSeconds);

    /** The answer of {@link #countChunkDone}. */
    record ChunkCount(boolean countedNow, Optional<Job> job) {}

    /** RUNNING → ASSEMBLING when every chunk is counted; true when the job is (now) ASSEMBLING. */
    boolean beginAssembly(String jobId);

    /**
     * ASSEMBLING → COMPLETE with the output; true for the one assembler that made it (it owns the
     * completion event).
     */
    boolean complete(String jobId, String outputUri, long lost, long duplicates, long nowMs);

    /** Any unfinished state → FAILED with a reason; false when the job had already finished. */
    boolean fail(String jobId, String reason, long nowMs);
}
