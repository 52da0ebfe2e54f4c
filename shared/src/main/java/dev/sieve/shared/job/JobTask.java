package dev.sieve.shared.job;

import java.util.Objects;

/**
 * A unit of batch-transform work on the jobs queue ({@code SIEVE_JOBS_QUEUE_URL}), consumed by the
 * gate's job handler ({@code dev.sieve.gate.batch.S3JobHandler}). Large manifests are never
 * processed in one invocation: job creation sends a {@link Kind#SCAN} task, each SCAN cuts the next
 * part of the manifest into byte ranges, enqueues one {@link Kind#CHUNK} task per range and sends the
 * next SCAN; when the last chunk is counted done, whoever made {@code
 * chunks_done == chunks} sends one {@link Kind#ASSEMBLE} task (the gate for an all-confident chunk,
 * the worker for an escalated one). Assembly is guarded by a conditional state change, so extra
 * ASSEMBLE tasks are harmless.
 *
 * @param kind what to do
 * @param jobId the job id ({@code JOB#<jobId>} in the table)
 * @param chunk chunk index (CHUNK only)
 * @param startByte first byte of the chunk in the manifest (CHUNK only)
 * @param endByte one past the chunk's last byte (CHUNK only)
 * @param firstLine 0-based manifest line number of the chunk's first line (CHUNK only)
 */
public record JobTask(Kind kind, String jobId, int chunk, long startByte, long endByte, long firstLine) {

    /** What a task asks for. */
    public enum Kind {
        SCAN,
        CHUNK,
        ASSEMBLE
    }

    public JobTask {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(jobId, "jobId");
    }

    /** Cut the next part of the job's manifest into chunks, from where the job's scan stands. */
    public static JobTask scan(String jobId) {
        return new JobTask(Kind.SCAN, jobId, 0, 0, 0, 0);
    }

    public static JobTask chunk(String jobId, int chunk, long startByte, long endByte, long firstLine) {
        return new JobTask(Kind.CHUNK, jobId, chunk, startByte, endByte, firstLine);
    }

    /** The task the worker sends (JSON via {@code Json.write}) when its update makes chunks_done == chunks. */
    public static JobTask assemble(String jobId) {
        return new JobTask(Kind.ASSEMBLE, jobId, 0, 0, 0, 0);
    }
}
