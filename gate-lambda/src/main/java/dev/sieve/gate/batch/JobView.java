package dev.sieve.gate.batch;

/**
 * The answer of {@code POST /v1/jobs} and {@code GET /v1/jobs/{id}}.
 *
 * @param state {@code scanning}, {@code running}, {@code assembling}, {@code complete}, {@code failed}
 * @param output {@code s3://bucket/jobs/out/<name>.out} once complete
 * @param lost output lines without a result (0 for a healthy job)
 * @param error why the job failed ({@code failed} only)
 */
public record JobView(
        String jobId,
        String state,
        String manifest,
        long chunks,
        long chunksDone,
        long items,
        String output,
        Long lost,
        String error,
        String statusUrl) {}
