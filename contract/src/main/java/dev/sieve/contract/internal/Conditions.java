package dev.sieve.contract.internal;

/**
 * Every DynamoDB condition expression of the request and job state machines, in one place. The
 * placeholders ({@code #state}, {@code :pending}, ...) are bound by {@code DynamoDbRequestStore} and
 * {@code DynamoDbJobStore}; {@code InMemoryRequestStore} and {@code InMemoryJobStore} implement the
 * same predicates, and one contract test suite runs against both.
 */
public final class Conditions {
    private Conditions() {}

    /** A new row (META, ITEM#, CHUNK#): written once; a second write of the same key is a duplicate. */
    public static final String NEW_ROW = "attribute_not_exists(#sk)";

    // ---- requests ----

    /** AWAITING_UPLOAD → PENDING/COMPLETE: only the first processing of an uploaded body. */
    public static final String REQUEST_AWAITING_UPLOAD = "#state = :awaiting";

    /** → FAILED: only a request that has not finished (a complete request stays complete). */
    public static final String REQUEST_UNFINISHED = "#state = :awaiting OR #state = :pending";

    /** PENDING → COMPLETE: every escalated item answered; exactly one writer wins. */
    public static final String REQUEST_ALL_ANSWERED = "#answered >= #expected AND #state = :pending";

    // ---- jobs ----

    /** SCANNING → RUNNING/ASSEMBLING once the chunk index is written. */
    public static final String JOB_SCANNING = "#state = :scanning";

    /** A scan step moves the offset forward only from where the table says the scan stands. */
    public static final String JOB_SCANNED_UP_TO = "#state = :scanning AND #offset = :from";

    /**
     * → ASSEMBLING with a lease: every chunk counted, and nobody else holds a live assembly lease (a
     * crashed assembler's lease runs out, then another takes over). The holder itself may begin again: a
     * retried or redelivered task re-enters the lease it took before it failed.
     */
    public static final String JOB_ASSEMBLY_FREE = "#done >= #chunks AND (#state = :running OR (#state = :assembling"
            + " AND (attribute_not_exists(#lease) OR #lease < :now OR #assembler = :assembler)))";

    /** ASSEMBLING → COMPLETE: only the lease holder records the output and owns the completion event. */
    public static final String JOB_ASSEMBLED_BY = "#state = :assembling AND #assembler = :assembler";

    /** → FAILED: a job that has not finished. */
    public static final String JOB_UNFINISHED =
            "attribute_exists(#state) AND #state <> :complete AND #state <> :failed";
}
