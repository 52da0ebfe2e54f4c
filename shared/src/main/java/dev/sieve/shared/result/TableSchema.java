package dev.sieve.shared.result;

/**
 * The single DynamoDB table's key layout and attribute names, shared by the gate, the worker and the
 * CDK app.
 *
 * <pre>
 * pk                sk              what
 * REQ#&lt;requestId&gt;   META            request status: expected, answered (counter), mode, created, ttl
 * REQ#&lt;requestId&gt;   ITEM#&lt;itemId&gt;   one expert result (JSON of ItemResult in {@link #RESULT}), ttl
 * JOB#&lt;jobId&gt;       META            job status: manifest, chunks, chunks_done (counter), items, state
 * JOB#&lt;jobId&gt;       CHUNK#&lt;n&gt;       one chunk done marker (makes the chunks_done increment idempotent)
 * CACHE#&lt;bundleVersion&gt;#&lt;sha256&gt;  ANSWER  the expert's probabilities for one normalized text
 *                                    ({@link TextFingerprint}), ttl (response cache)
 * </pre>
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
}
