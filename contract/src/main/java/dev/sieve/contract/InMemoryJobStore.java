package dev.sieve.contract;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link JobStore} in memory, for unit tests and single-process tools; the same state machine and
 * conditions ({@code internal.Conditions}) as {@link DynamoDbJobStore}, checked by one contract suite.
 */
public final class InMemoryJobStore implements JobStore {
    private final Map<String, Row> rows = new HashMap<>();
    private final Set<String> chunkMarkers = new HashSet<>();
    private final Map<String, String> manifestOwners = new ConcurrentHashMap<>();

    @Override
    public String claimManifest(String manifestVersion, String jobId, long ttlEpochSeconds) {
        String owner = manifestOwners.putIfAbsent(manifestVersion, jobId);
        return owner == null ? jobId : owner;
    }

    /** A META item's attributes. */
    private static final class Row {
        final String jobId;
        final String manifestUri;
        final String manifestETag;
        final ChunkLimits limits;
        final long createdAtMs;
        JobState state = JobState.SCANNING;
        long chunks;
        long chunksDone;
        long items;
        long scanOffset;
        String outputUri;
        Long lost;
        Long duplicates;
        String error;
        String assembler;
        Long leaseUntilMs;

        Row(String jobId, String manifestUri, String manifestETag, ChunkLimits limits, long createdAtMs) {
            this.jobId = jobId;
            this.manifestUri = manifestUri;
            this.manifestETag = manifestETag;
            this.limits = limits;
            this.createdAtMs = createdAtMs;
        }

        Job job() {
            return new Job(
                    jobId,
                    state,
                    manifestUri,
                    chunks,
                    chunksDone,
                    items,
                    outputUri,
                    lost,
                    duplicates,
                    error,
                    createdAtMs,
                    manifestETag,
                    limits,
                    scanOffset,
                    leaseUntilMs == null ? 0 : leaseUntilMs);
        }
    }

    @Override
    public synchronized boolean create(
            String jobId,
            String manifestUri,
            String manifestETag,
            ChunkLimits limits,
            long nowMs,
            long ttlEpochSeconds) {
        if (rows.containsKey(jobId)) {
            return false;
        }
        rows.put(jobId, new Row(jobId, manifestUri, manifestETag, limits, nowMs));
        return true;
    }

    @Override
    public synchronized Optional<Job> job(String jobId) {
        return Optional.ofNullable(rows.get(jobId)).map(Row::job);
    }

    @Override
    public synchronized boolean recordScan(String jobId, long fromOffset, long toOffset, long chunks, long items) {
        Row r = rows.get(jobId);
        if (r == null || r.state != JobState.SCANNING || r.scanOffset != fromOffset) {
            return false;
        }
        r.scanOffset = toOffset;
        r.chunks = chunks;
        r.items = items;
        return true;
    }

    @Override
    public synchronized boolean startRunning(String jobId, long chunks, long items) {
        Row r = rows.get(jobId);
        if (r == null || r.state != JobState.SCANNING) {
            return false;
        }
        r.state = chunks == 0 ? JobState.ASSEMBLING : JobState.RUNNING;
        r.chunks = chunks;
        r.items = items;
        return true;
    }

    @Override
    public synchronized ChunkCount countChunkDone(String jobId, int chunk, long ttlEpochSeconds) {
        if (!chunkMarkers.add(jobId + "#" + chunk)) {
            return new ChunkCount(false, job(jobId));
        }
        Row r = rows.get(jobId);
        if (r != null) {
            r.chunksDone++;
        }
        return new ChunkCount(true, job(jobId));
    }

    @Override
    public synchronized boolean beginAssembly(String jobId, String assembler, long nowMs, long leaseUntilMs) {
        Row r = rows.get(jobId);
        if (r == null || r.chunksDone < r.chunks) {
            return false;
        }
        boolean free = r.state == JobState.RUNNING
                || (r.state == JobState.ASSEMBLING
                        && (r.leaseUntilMs == null || r.leaseUntilMs < nowMs || assembler.equals(r.assembler)));
        if (!free) {
            return false;
        }
        r.state = JobState.ASSEMBLING;
        r.assembler = assembler;
        r.leaseUntilMs = leaseUntilMs;
        return true;
    }

    @Override
    public synchronized boolean complete(
            String jobId, String assembler, String outputUri, long lost, long duplicates, long nowMs) {
        Row r = rows.get(jobId);
        if (r == null || r.state != JobState.ASSEMBLING || !assembler.equals(r.assembler)) {
            return false;
        }
        r.state = JobState.COMPLETE;
        r.outputUri = outputUri;
        r.lost = lost;
        r.duplicates = duplicates;
        return true;
    }

    @Override
    public synchronized boolean fail(String jobId, String reason, long nowMs) {
        Row r = rows.get(jobId);
        if (r == null || r.state.terminal()) {
            return false;
        }
        r.state = JobState.FAILED;
        r.error = reason;
        return true;
    }

    @Override
    public synchronized List<String> unfinishedCreatedBefore(long cutoffMs, int limit) {
        return rows.values().stream()
                .filter(r -> !r.state.terminal() && r.createdAtMs < cutoffMs)
                .map(r -> r.jobId)
                .limit(limit)
                .toList();
    }
}
