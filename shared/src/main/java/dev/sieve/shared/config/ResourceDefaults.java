package dev.sieve.shared.config;

import dev.sieve.shared.queue.Priority;
import java.util.Locale;

/**
 * How Sieve's queues, table and bucket are configured, and how large a batch job's chunks are. The CDK app
 * ({@code infra/}) and the local emulators ({@code local-aws/SieveResources}) both read these numbers, so
 * production and local mode cannot drift apart, and the cost model ({@code pricing/}) defaults to them.
 * Change a value here, not in any of them.
 */
public final class ResourceDefaults {
    private ResourceDefaults() {}

    // ---- SQS ----
    /**
     * Receives before SQS moves a work-queue message (real-time, async, batch) to its dead-letter queue.
     * SQS counts every receive, also one whose holder was SIGKILLed, lost its lease or gave the message
     * back after an outage outlasted its hold; none of those is the message's fault, so this budget is a
     * large backstop (a message that crashes every worker still ends in the DLQ). The message's own
     * faults are spent fast instead: the worker gives an unreadable body back at visibility 0, so it burns
     * this budget in seconds, and an item that keeps failing is answered with an error after
     * {@code SIEVE_ITEM_RETRY_LIMIT} receives.
     */
    public static final int MAX_RECEIVE_COUNT = 20;
    /**
     * Receives before SQS moves a job task (chunk or assemble) to the jobs dead-letter queue. Small: job
     * tasks ride out dependency outages in process, and their visibility timeout is six function timeouts,
     * so a large budget would keep a poison task for days.
     */
    public static final int JOBS_MAX_RECEIVE_COUNT = 5;
    /** Default visibility timeout of every work queue; the worker's heart-beat extends leases. */
    public static final int VISIBILITY_TIMEOUT_SECONDS = 60;
    /** Default long-poll wait of every work queue ({@code ReceiveMessageWaitTimeSeconds}). */
    public static final int RECEIVE_WAIT_SECONDS = 20;
    /** Retention of a work queue: 4 days. */
    public static final int MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600;
    /** Retention of a dead-letter queue: 14 days, the SQS maximum. */
    public static final int DLQ_MESSAGE_RETENTION_SECONDS = 14 * 24 * 3600;
    /** Suffix appended to a work queue's name to name its dead-letter queue. */
    public static final String DLQ_SUFFIX = "-dlq";

    // ---- S3 ----
    /**
     * Days before the bucket's lifecycle rules delete uploads, job part files and queue payloads: 4, the
     * shortest that deletes nothing still in use. A job reads its part files until it is assembled, and
     * the reaper fails a job still unfinished three days after it was created (the gate's {@code
     * Reaper.DEFAULT_JOB_DEADLINE}; an assembler started just before holds a 15-minute lease); a queue
     * message refers to its payload or upload for as long as SQS keeps it, {@link
     * #MESSAGE_RETENTION_SECONDS} (4 days). S3 counts the days from an object's creation and rounds up to
     * the next midnight UTC, so an object lives at least this long. Two days would delete the gate part
     * files of a job in its third day, whose output would then say "no result" for those items. The
     * stack's rules and the cost model's {@code transient_object_days} both read this value.
     */
    public static final int TRANSIENT_OBJECT_DAYS = 4;

    // ---- batch jobs ----
    /**
     * Manifest lines per chunk ({@code SIEVE_BATCH_CHUNK_ITEMS}): 20,000. A chunk is one batch-job Lambda
     * invocation, one ranged GET, one gate part file, one queue message and one expert part file, so the
     * per-item share of those requests halves from 10,000. Well inside the Lambda's limits: {@code sieve
     * bench batch --items 20000} ran a 20,000-line chunk of ~2 KB emails in about 1 s of wall time on 2
     * shared cores (timeout: 15 minutes), and the chunk step holds about three times the chunk's bytes
     * (the bytes, the texts, the escalated payload), some 120 MB of the function's 2,048. A retry redoes one
     * chunk, so a failure costs at most 20,000 items of gate time.
     */
    public static final int BATCH_CHUNK_ITEMS = 20_000;

    /**
     * Largest chunk in bytes ({@code SIEVE_BATCH_CHUNK_BYTES}): 48 MiB, so 20,000 emails of ~2 KB (1,954 bytes
     * a manifest line measured) close a chunk by lines; a single longer line is a chunk alone. A SCAN step cuts
     * at most 100 chunks, so it reads at most 4.8 GB.
     */
    public static final int BATCH_CHUNK_BYTES = 48 * 1024 * 1024;

    // ---- DynamoDB ----
    /** The table is billed per request (on-demand); the attribute {@code ttl} expires items. */
    public static final String TABLE_BILLING_MODE = "PAY_PER_REQUEST";

    /** The name part of a priority's queue: {@code realtime}, {@code async}, {@code batch}. */
    public static String queueSuffix(Priority priority) {
        return priority.name().toLowerCase(Locale.ROOT);
    }
}
