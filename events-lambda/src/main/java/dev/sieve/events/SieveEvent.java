package dev.sieve.events;

import dev.sieve.shared.json.Json;

/**
 * One completion or failure event as it goes on the bus: its {@code detail-type} and {@code detail}, with
 * source {@value #SOURCE}. The schema (README, "Event schema") is these records; {@link SieveEvents} is the
 * one place that builds them. Ids, tenant, state, reason and counts only: never a customer's text.
 *
 * @param detailType one of {@link #REQUEST_COMPLETED}, {@link #REQUEST_FAILED}, {@link #JOB_COMPLETED},
 *     {@link #JOB_FAILED}
 * @param detail what happened
 */
public record SieveEvent(String detailType, Detail detail) {
    /** The events' {@code source} (a rule matches {@code {"source": ["sieve"]}}). */
    public static final String SOURCE = "sieve";
    /** Bumped only by a change a consumer must notice; fields are only ever added within a version. */
    public static final int SCHEMA_VERSION = 1;

    public static final String REQUEST_COMPLETED = "Sieve Request Completed";
    public static final String REQUEST_FAILED = "Sieve Request Failed";
    public static final String JOB_COMPLETED = "Sieve Job Completed";
    public static final String JOB_FAILED = "Sieve Job Failed";

    /**
     * The event's {@code detail} (snake_case JSON; absent fields are left out).
     *
     * @param schemaVersion {@link #SCHEMA_VERSION}
     * @param eventId {@code request:<tenant>/<id>:<state>} or {@code job:...}: the same for every delivery of
     *     one transition (delivery is at least once), so a consumer deduplicates on it
     * @param tenant the tenant the request or job belongs to
     * @param requestId the request's id as the tenant sees it (request events)
     * @param jobId the job's id as the tenant sees it (job events)
     * @param state {@code complete} or {@code failed} (as {@code GET /v1/results} and {@code /v1/jobs} say it)
     * @param mode {@code realtime}, {@code async} or {@code batch} (request events)
     * @param reason why it failed (failed events)
     * @param items items in the request, lines in the job
     * @param expected items escalated to the expert (request events)
     * @param answered of those, answered by the expert (request events)
     * @param chunks chunks the job was cut into (job events)
     * @param lost job lines without an answer in the output (completed jobs)
     * @param duplicates job lines answered twice (completed jobs)
     * @param manifest the job's input manifest, {@code s3://...} (job events)
     * @param output the job's output, {@code s3://...} (completed jobs)
     * @param createdAt when the request or job was created (epoch ms)
     * @param finishedAt when it completed or failed (epoch ms), when recorded
     */
    public record Detail(
            int schemaVersion,
            String eventId,
            String tenant,
            String requestId,
            String jobId,
            String state,
            String mode,
            Reason reason,
            Long items,
            Long expected,
            Long answered,
            Long chunks,
            Long lost,
            Long duplicates,
            String manifest,
            String output,
            Long createdAt,
            Long finishedAt) {}

    /**
     * Why a request or job failed, as Sieve wrote it (rule names and limits, never the input).
     *
     * @param code a stable error code ({@code dead_letter}, {@code deadline}, {@code invalid_request}, ...)
     *     for requests; absent for jobs, whose reason is one sentence
     * @param field the request field at fault, if any
     * @param message what happened
     */
    public record Reason(String code, String field, String message) {}

    /** The event's id (see {@link Detail#eventId}). */
    public String id() {
        return detail.eventId();
    }

    /** The {@code detail} as the JSON string PutEvents carries. */
    public String detailJson() {
        return Json.write(detail);
    }
}
