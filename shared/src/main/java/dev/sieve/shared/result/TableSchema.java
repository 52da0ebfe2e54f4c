package dev.sieve.shared.result;

/**
 * The single DynamoDB table's key layout and attribute names, shared by the gate, the worker and the
 * CDK app. Requests and jobs are keyed by their tenant-scoped id, {@code <tenant>/<id>} ({@link
 * dev.sieve.shared.tenant.Tenant#scope}): one tenant's lookup of another's id reads a key that does not
 * exist.
 *
 * <pre>
 * pk                          sk              what
 * REQ#&lt;tenant&gt;/&lt;requestId&gt;   META            request status: expected, answered (counter), mode, created, ttl
 * REQ#&lt;tenant&gt;/&lt;requestId&gt;   ITEM#&lt;itemId&gt;   one expert result (JSON of ItemResult in {@link #RESULT}), ttl
 * JOB#&lt;tenant&gt;/&lt;jobId&gt;       META            job status: manifest (+ its ETag), chunk limits, scan_offset, chunks,
 *                                             chunks_done (counter), items, state, assembler + lease_until
 * JOB#&lt;tenant&gt;/&lt;jobId&gt;       CHUNK#&lt;n&gt;       one chunk done marker (makes the chunks_done increment idempotent)
 * MANIFEST#&lt;tenant&gt;/&lt;hash&gt;   META            which job owns one manifest version ({@link #JOB_ID}; hash of key and ETag)
 * QUOTA#&lt;tenant&gt;              RATE            the tenant's rate limiter ({@link #TAT}: theoretical arrival time, epoch µs)
 * QUOTA#&lt;tenant&gt;              DAY#&lt;date&gt;      items admitted on one UTC day ({@link #COUNT}), ttl
 * CACHE#&lt;bundleVersion&gt;#&lt;sha256&gt;  ANSWER  the expert's probabilities for one normalized text
 *                                    ({@link TextFingerprint}: of tenant and text unless the cache is shared
 *                                    by the deployment), ttl (response cache)
 * IDEM#&lt;tenant&gt;/&lt;key&gt;         CLAIM           a client's Idempotency-Key: {@link #REQUEST_ID} it created and
 *                                             {@link #BODY_SHA256} of the body it came with, ttl
 * </pre>
 *
 * Unfinished META rows (requests PENDING or AWAITING_UPLOAD, jobs not COMPLETE or FAILED) carry {@link
 * #UNFINISHED}, a shard number, which the transition to a final state removes: the sparse index {@link
 * #UNFINISHED_INDEX} ({@link #UNFINISHED} → {@link #CREATED_AT}, keys only) therefore holds only the
 * unfinished, and the reaper's deadline sweep reads those alone instead of scanning the table.
 *
 * Rows written once (request and job META, MANIFEST and IDEM claims) carry {@link #WRITE_TOKEN}, so a put
 * retried after a lost response tells its own row from another caller's.
 *
 * An item result is written with {@code attribute_not_exists(sk)} in the same transaction as the
 * META counter increment, so a redelivered message neither double-counts nor loses a result. The
 * request is complete when {@code answered == expected}; whoever makes that transition (a
 * conditional update) owns the completion event, exactly once.
 */
public final class TableSchema {
    private TableSchema() {}

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String TTL = "ttl";

    public static final String META = "META";
    public static final String REQUEST_PREFIX = "REQ#";
    public static final String JOB_PREFIX = "JOB#";
    public static final String ITEM_PREFIX = "ITEM#";
    public static final String CHUNK_PREFIX = "CHUNK#";
    public static final String MANIFEST_PREFIX = "MANIFEST#";
    public static final String QUOTA_PREFIX = "QUOTA#";
    public static final String RATE = "RATE";
    public static final String DAY_PREFIX = "DAY#";

    public static final String EXPECTED = "expected";
    public static final String ANSWERED = "answered";
    public static final String FAILED = "failed";
    public static final String STATE = "state";
    public static final String MODE = "mode";
    public static final String CREATED_AT = "created_at";
    public static final String COMPLETED_AT = "completed_at";
    public static final String RESULT = "result";
    public static final String CHUNKS = "chunks";
    public static final String CHUNKS_DONE = "chunks_done";
    public static final String MANIFEST = "manifest";
    public static final String OUTPUT = "output";
    public static final String ITEMS = "items";
    public static final String ERROR = "error";
    /** A completed job's lines without an answer, and lines answered twice (set with {@link #OUTPUT}). */
    public static final String LOST = "lost";

    public static final String DUPLICATES = "duplicates";
    /** The manifest's ETag when the job was created: every read of the manifest is pinned to it. */
    public static final String MANIFEST_ETAG = "manifest_etag";
    /** Bytes of the manifest already cut into chunks (whose tasks were sent) while SCANNING. */
    public static final String SCAN_OFFSET = "scan_offset";
    /** The job's chunk limits, pinned at creation. */
    public static final String CHUNK_LINES = "chunk_lines";

    public static final String CHUNK_BYTES = "chunk_bytes";
    /** Who holds the assembly lease, and until when (epoch ms). */
    public static final String ASSEMBLER = "assembler";

    public static final String LEASE_UNTIL = "lease_until";
    public static final String JOB_ID = "job_id";
    public static final String TAT = "tat";
    public static final String COUNT = "count";

    /** The shard of an unfinished META row (absent once the request or job is final). */
    public static final String UNFINISHED = "unfinished";
    /** The sparse global secondary index of unfinished META rows by shard and creation time. */
    public static final String UNFINISHED_INDEX = "unfinished-by-created";
    /** Index partitions: spreads the index's writes (one per unfinished request or job) over partitions. */
    public static final int UNFINISHED_SHARDS = 16;

    /** The {@link #UNFINISHED} shard of a row's partition key. */
    public static String unfinishedShard(String pk) {
        return Integer.toString(Math.floorMod(pk.hashCode(), UNFINISHED_SHARDS));
    }

    public static final String IDEMPOTENCY_PREFIX = "IDEM#";
    public static final String CLAIM = "CLAIM";
    public static final String REQUEST_ID = "request_id";
    public static final String BODY_SHA256 = "body_sha256";
    /**
     * A random token that every write-once put (META rows, claims) stores with its row, so that a put whose
     * response was lost, and which the SDK therefore sent again, recognises the row the retry found as its
     * own instead of as another caller's.
     */
    public static final String WRITE_TOKEN = "write_token";

    /** The partition key of a tenant-scoped Idempotency-Key ({@code <tenant>/<key>}). */
    public static String idempotencyKey(String scopedKey) {
        return IDEMPOTENCY_PREFIX + scopedKey;
    }

    public static final String CACHE_PREFIX = "CACHE#";
    public static final String CACHE_ANSWER = "ANSWER";
    /** The expert's class probabilities (a list of numbers, in the bundle's label order). */
    public static final String PROBABILITIES = "probabilities";

    /** The response cache's partition key for a text under a bundle version. */
    public static String cacheKey(String bundleVersion, String textFingerprint) {
        return CACHE_PREFIX + bundleVersion + "#" + textFingerprint;
    }

    public static String requestKey(String requestId) {
        return REQUEST_PREFIX + requestId;
    }

    public static String jobKey(String jobId) {
        return JOB_PREFIX + jobId;
    }

    public static String itemKey(String itemId) {
        return ITEM_PREFIX + itemId;
    }

    public static String chunkKey(int chunk) {
        return CHUNK_PREFIX + chunk;
    }

    /** The row that names the job of one manifest version ({@code scopedManifestHash}: tenant-scoped). */
    public static String manifestKey(String scopedManifestHash) {
        return MANIFEST_PREFIX + scopedManifestHash;
    }

    public static String quotaKey(String tenant) {
        return QUOTA_PREFIX + tenant;
    }

    /** {@code DAY#2026-12-02}: the daily counter's sort key for a UTC date. */
    public static String dayKey(java.time.LocalDate utcDate) {
        return DAY_PREFIX + utcDate;
    }
}
