package dev.sieve.contract;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link JobStore} in memory, for unit tests and single-process tools; the same state machine and
 * conditions ({@code internal.Conditions}) as {@link DynamoDbJobStore}, checked by one contract suite.
 */
public final class InMemoryJobStore implements JobStore {
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Set<String> chunkMarkers = new HashSet<>();
    private final Map<String, String> manifestOwners = new ConcurrentHashMap<>();

    @Override
    public String claimManifest(String manifestVersion, String jobId, long ttlEpochSeconds) {
        String owner = manifestOwners.putIfAbsent(manifestVersion, jobId);
        return owner == null ? jobId : owner;
    }

    @Override
    public synchronized boolean create(String jobId, String manifestUri, long nowMs, long ttlEpochSeconds) {
        if (jobs.containsKey(jobId)) {
            return false;
        }
        jobs.put(jobId, new Job(jobId, JobState.SCANNING, manifestUri, 0, 0, 0, null, null, null, null, nowMs));
        return true;
    }

    @Override
    public Optional<Job> job(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public synchronized boolean startRunning(String jobId, long chunks, long items) {
        Job j = jobs.get(jobId);
        if (j == null || j.state() != JobState.SCANNING) {
            return false;
        }
        JobState next = chunks == 0 ? JobState.ASSEMBLING : JobState.RUNNING;
        put(new Job(
                jobId, next, j.manifestUri(), chunks, j.chunksDone(), items, null, null, null, null, j.createdAtMs()));
        return true;
    }

    @Override
    public synchronized ChunkCount countChunkDone(String jobId, int chunk, long ttlEpochSeconds) {
        if (!chunkMarkers.add(jobId + "#" + chunk)) {
            return new ChunkCount(false, job(jobId));
        }
        Job j = jobs.get(jobId);
        if (j != null) {
            put(new Job(
                    jobId,
                    j.state(),
                    j.manifestUri(),
                    j.chunks(),
                    j.chunksDone() + 1,
                    j.items(),
                    j.outputUri(),
                    j.lost(),
                    j.duplicates(),
                    j.error(),
                    j.createdAtMs()));
        }
        return new ChunkCount(true, job(jobId));
    }

    @Override
    public synchronized boolean beginAssembly(String jobId) {
        Job j = jobs.get(jobId);
        if (j == null || !j.readyToAssemble()) {
            return false;
        }
        put(withState(j, JobState.ASSEMBLING, null));
        return true;
    }

    @Override
    public synchronized boolean complete(String jobId, String outputUri, long lost, long duplicates, long nowMs) {
        Job j = jobs.get(jobId);
        if (j == null || j.state() != JobState.ASSEMBLING) {
            return false;
        }
        put(new Job(
                jobId,
                JobState.COMPLETE,
                j.manifestUri(),
                j.chunks(),
                j.chunksDone(),
                j.items(),
                outputUri,
                lost,
                duplicates,
                null,
                j.createdAtMs()));
        return true;
    }

    @Override
    public synchronized boolean fail(String jobId, String reason, long nowMs) {
        Job j = jobs.get(jobId);
        if (j == null || j.state().terminal()) {
            return false;
        }
        put(withState(j, JobState.FAILED, reason));
        return true;
    }

    private void put(Job job) {
        jobs.put(job.jobId(), job);
    }

    private static Job withState(Job j, JobState state, String error) {
        return new Job(
                j.jobId(),
                state,
                j.manifestUri(),
                j.chunks(),
                j.chunksDone(),
                j.items(),
                j.outputUri(),
                j.lost(),
                j.duplicates(),
                error,
                j.createdAtMs());
    }
}
