package dev.sieve.contract;

import dev.sieve.shared.result.TableSchema;
import java.util.List;
import java.util.Optional;

/**
 * Batch-transform jobs in the table ({@link TableSchema}): the job's META item and one {@code CHUNK#<n>}
 * marker per counted chunk. The gate creates, scans and assembles jobs; the gate (all-confident chunks)
 * and the worker (escalated chunks) count chunks done. Implementations: {@link DynamoDbJobStore}, {@link
 * InMemoryJobStore}; both pass {@code JobStoreContract}.
 *
 * <p>State machine: {@code SCANNING → RUNNING → ASSEMBLING → COMPLETE} (a manifest without lines goes
 * SCANNING → ASSEMBLING); any unfinished state → FAILED. COMPLETE and FAILED are final. SCANNING advances
 * in steps ({@link #recordScan}), each from the offset the table holds, so an interrupted scan resumes
 * where it stopped; ASSEMBLING is held by one assembler at a time under a lease ({@link #beginAssembly}).
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
            long createdAtMs,
            String manifestETag,
            ChunkLimits limits,
            long scanOffset,
            long assemblyLeaseUntilMs) {

        /** Every chunk is counted and the job is still to be assembled. */
        public boolean readyToAssemble() {
            return (state == JobState.RUNNING || state == JobState.ASSEMBLING) && chunksDone >= chunks;
        }

        /**
         * Ready to assemble and nobody holds it: RUNNING with every chunk counted, or ASSEMBLING after its
         * assembler's lease ran out (it crashed, or its task was dropped). Such a job needs an ASSEMBLE task.
         */
        public boolean awaitsAssembler(long nowMs) {
            return readyToAssemble() && (state == JobState.RUNNING || assemblyLeaseUntilMs < nowMs);
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

    /**
     * Puts a new job's META (SCANNING at offset 0) with the manifest's ETag and the chunk limits pinned;
     * false when the job already exists.
     */
    boolean create(
            String jobId,
            String manifestUri,
            String manifestETag,
            ChunkLimits limits,
            long nowMs,
            long ttlEpochSeconds);

    Optional<Job> job(String jobId);

    /**
     * One scan step: the manifest is cut (and the chunk tasks sent) up to byte {@code toOffset}, giving
     * {@code chunks} chunks and {@code items} lines in all; false when the scan no longer stands at {@code
     * fromOffset} (another scanner got there first, or the job left SCANNING).
     */
    boolean recordScan(String jobId, long fromOffset, long toOffset, long chunks, long items);

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

    /**
     * RUNNING → ASSEMBLING when every chunk is counted, or takes over an ASSEMBLING job whose lease ran
     * out, or is begun again by the {@code assembler} that holds it (a task retried after a failure
     * re-enters its own lease); {@code assembler} then holds the job until {@code leaseUntilMs}. False
     * when the job is not ready, finished, or another assembler's lease is live.
     */
    boolean beginAssembly(String jobId, String assembler, long nowMs, long leaseUntilMs);

    /**
     * ASSEMBLING → COMPLETE with the output, only for the assembler that holds the job; true for the one
     * call that made it (it owns the completion event).
     */
    boolean complete(String jobId, String assembler, String outputUri, long lost, long duplicates, long nowMs);

    /** Any unfinished state → FAILED with a reason; false when the job had already finished. */
    boolean fail(String jobId, String reason, long nowMs);

    /**
     * Ids of unfinished jobs created before {@code cutoffMs}, at most {@code limit} (the reaper's deadline
     * sweep; a table scan in DynamoDB, so only on a timer).
     */
    List<String> unfinishedCreatedBefore(long cutoffMs, int limit);
}
