package dev.sieve.shared.config;

/**
 * The environment-variable names through which Sieve's processes are configured. The CDK app
 * ({@code infra/}) sets exactly these names; the gate and the worker read them once at start into
 * validated configuration records. Nothing else reads the environment.
 */
public final class EnvironmentVariables {
    private EnvironmentVariables() {}

    // ---- resources (set by infra, by `sieve local`, or by tests) ----
    /** DynamoDB table holding request/job status and small results. */
    public static final String TABLE_NAME = "SIEVE_TABLE_NAME";
    /** S3 bucket for bundles, uploads, manifests, part files and outputs. */
    public static final String BUCKET_NAME = "SIEVE_BUCKET_NAME";
    /** SQS queue URLs, one per priority. */
    public static final String REALTIME_QUEUE_URL = "SIEVE_REALTIME_QUEUE_URL";

    public static final String ASYNC_QUEUE_URL = "SIEVE_ASYNC_QUEUE_URL";
    public static final String BATCH_QUEUE_URL = "SIEVE_BATCH_QUEUE_URL";
    /**
     * Batch-transform control queue (chunk and assemble tasks, {@code dev.sieve.shared.job.JobTask}),
     * consumed by the gate's job handler; the worker sends an ASSEMBLE task to it when it completes a
     * job's last chunk.
     */
    public static final String JOBS_QUEUE_URL = "SIEVE_JOBS_QUEUE_URL";
    /**
     * The dead-letter queues the reaper drains, comma-separated URLs: the three work queues' and the jobs
     * queue's (messages of Sieve's own formats; never a Lambda's failed-event queue).
     */
    public static final String DEAD_LETTER_QUEUE_URLS = "SIEVE_DEAD_LETTER_QUEUE_URLS";

    // ---- model ----
    /** Where the model bundle lives: a local directory or {@code s3://bucket/prefix/}. */
    public static final String BUNDLE_URI = "SIEVE_BUNDLE_URI";

    // ---- gate / API ----
    /** Public base URL of the HTTP API, used to build results URLs (e.g. https://abc.execute-api...). */
    public static final String API_BASE_URL = "SIEVE_API_BASE_URL";
    /**
     * Largest item count answered in real-time mode; more items go async. Default 1000, at most 10,000: a
     * real-time answer carries every item and must stay under Lambda's 6 MB response limit.
     */
    public static final String REALTIME_MAX_ITEMS = "SIEVE_REALTIME_MAX_ITEMS";
    /** How long the real-time handler waits for escalated items before answering {@code pending}. */
    public static final String REALTIME_BUDGET_MS = "SIEVE_REALTIME_BUDGET_MS";
    /** Items per batch-transform chunk (one queue message / part file per chunk). */
    public static final String BATCH_CHUNK_ITEMS = "SIEVE_BATCH_CHUNK_ITEMS";
    /** Largest size of one batch-transform chunk in bytes (a single longer line is a chunk alone). */
    public static final String BATCH_CHUNK_BYTES = "SIEVE_BATCH_CHUNK_BYTES";
    /**
     * {@code true} to address S3 path-style ({@code http://host/bucket/key}); needed by S3 emulators
     * reached through {@code AWS_ENDPOINT_URL_S3}. Default {@code false}.
     */
    public static final String S3_PATH_STYLE = "SIEVE_S3_PATH_STYLE";
    /** Largest number of items one API request may carry (any mode). */
    public static final String MAX_REQUEST_ITEMS = "SIEVE_MAX_REQUEST_ITEMS";
    /** Seconds a presigned upload URL ({@code POST /v1/uploads}) stays valid. */
    public static final String UPLOAD_URL_TTL_S = "SIEVE_UPLOAD_URL_TTL_S";
    /** Days a result stays in DynamoDB before TTL removes it. */
    public static final String RESULTS_TTL_DAYS = "SIEVE_RESULTS_TTL_DAYS";

    // ---- tenants (identity and quotas) ----
    /** JWT claim naming the caller's tenant (default {@code tenant}; a token without it falls back to {@code sub}). */
    public static final String TENANT_CLAIM = "SIEVE_TENANT_CLAIM";
    /**
     * With IAM authorization: a JSON object mapping principals to tenants, keys an IAM role or user ARN
     * or an account id ({@code {"arn:aws:iam::123456789012:role/ingest":"acme","210987654321":"beta"}});
     * unset, each account is its own tenant (named by its id); set, an unmapped principal is refused (403).
     */
    public static final String TENANT_PRINCIPALS = "SIEVE_TENANT_PRINCIPALS";
    /** Items per second a tenant may send (sustained), default for every tenant. */
    public static final String QUOTA_ITEMS_PER_SECOND = "SIEVE_QUOTA_ITEMS_PER_SECOND";
    /** Seconds of the per-second rate a tenant may send at once (burst = rate x this). */
    public static final String QUOTA_BURST_SECONDS = "SIEVE_QUOTA_BURST_SECONDS";
    /** Items a tenant may send per UTC day, default for every tenant. */
    public static final String QUOTA_DAILY_ITEMS = "SIEVE_QUOTA_DAILY_ITEMS";
    /**
     * Per-tenant quota overrides, a JSON object: {@code {"acme":{"items_per_second":50,"daily_items":100000}}}
     * (either field may be left out to keep the default).
     */
    public static final String QUOTA_OVERRIDES = "SIEVE_QUOTA_OVERRIDES";
    /**
     * Dedicated real-time lanes, a JSON object of tenant to queue URL ({@code {"acme":"https://sqs..."}}): a
     * listed tenant's real-time escalations go to its own queue, drained by its own warm workers, so another
     * tenant's flood cannot delay them. Set by the CDK app from {@code -c dedicatedTenants} and by {@code
     * sieve local --dedicated-tenants}; unset, every tenant shares {@link #REALTIME_QUEUE_URL}.
     */
    public static final String LANE_QUEUE_URLS = "SIEVE_LANE_QUEUE_URLS";

    // ---- worker ----
    /** {@code cpu} (default) or {@code cuda:N}. */
    public static final String DEVICE = "SIEVE_DEVICE";
    /** Which expert graph of the bundle is served: {@code fp32} (default), {@code int8} or {@code fp16} (CUDA). */
    public static final String EXPERT_PRECISION = "SIEVE_EXPERT_PRECISION";

    public static final String MAX_BATCH_ITEMS = "SIEVE_MAX_BATCH_ITEMS";
    public static final String MAX_BATCH_TOKENS = "SIEVE_MAX_BATCH_TOKENS";
    public static final String MAX_WAIT_MS = "SIEVE_MAX_WAIT_MS";
    /** Seconds a message stays invisible per lease; the heart-beat extends it while in flight. */
    public static final String VISIBILITY_TIMEOUT_S = "SIEVE_VISIBILITY_TIMEOUT_S";
    /** Seconds the worker has after SIGTERM to finish or release what it holds. */
    public static final String DRAIN_GRACE_S = "SIEVE_DRAIN_GRACE_S";

    public static final String TOKENIZER_THREADS = "SIEVE_TOKENIZER_THREADS";
    public static final String INTRA_OP_THREADS = "SIEVE_INTRA_OP_THREADS";
    /** Receives (and batches) the worker may hold at once, in items; bounds work lost on a crash. */
    public static final String MAX_IN_FLIGHT_ITEMS = "SIEVE_MAX_IN_FLIGHT_ITEMS";
    /** Long-poll wait per queue, in seconds, once every queue came back empty. */
    public static final String IDLE_POLL_S = "SIEVE_IDLE_POLL_S";
    /** Poll cycles (and batches) a lower-priority queue (item) may be passed over before it goes first. */
    public static final String STARVATION_LIMIT = "SIEVE_STARVATION_LIMIT";
    /** Receive count from which an item the expert keeps failing on is answered with an error result. */
    public static final String ITEM_RETRY_LIMIT = "SIEVE_ITEM_RETRY_LIMIT";
    /** Seconds a message for another bundle version stays invisible after this worker releases it. */
    public static final String RELEASE_DELAY_S = "SIEVE_RELEASE_DELAY_S";
    /**
     * Seconds a worker holds a message through a dependency outage (DynamoDB, S3 or SQS throttled or
     * down), retrying with back-off, before it gives the message back and spends one of its receives.
     * Default 900 (15 minutes).
     */
    public static final String OUTAGE_HOLD_S = "SIEVE_OUTAGE_HOLD_S";
    /**
     * Hours an expert answer stays in the response cache (DynamoDB, keyed by bundle version and the
     * text's fingerprint); {@code 0} turns the cache off. Default 24.
     */
    public static final String CACHE_TTL_HOURS = "SIEVE_CACHE_TTL_HOURS";
    /**
     * Who shares a response-cache answer: {@code tenant} (default: a text is answered from the cache only
     * for the tenant whose item put it there, so no tenant can learn by timing or tier what another sent)
     * or {@code deployment} (every tenant of the deployment shares answers: more hits, for deployments whose
     * tenants trust each other, e.g. teams of one company).
     */
    public static final String CACHE_SCOPE = "SIEVE_CACHE_SCOPE";
    /** Threads writing results to DynamoDB / S3. */
    public static final String WRITER_THREADS = "SIEVE_WRITER_THREADS";
    /** Local directory where a bundle given as an S3 prefix is downloaded. */
    public static final String BUNDLE_CACHE_DIR = "SIEVE_BUNDLE_CACHE_DIR";

    // ---- events (issue 11: the table stream outbox) ----
    /**
     * The EventBridge bus the events Lambda puts {@code Sieve Request Completed} / {@code Sieve Job Failed}
     * events on (its name or ARN); set by infra on the events Lambda only.
     */
    public static final String EVENT_BUS_NAME = "SIEVE_EVENT_BUS_NAME";

    // ---- observability ----
    /** CloudWatch namespace of the Embedded Metric Format metrics. */
    public static final String METRICS_NAMESPACE = "SIEVE_METRICS_NAMESPACE";

    public static final String LOG_LEVEL = "SIEVE_LOG_LEVEL";

    // ---- set by the platform, read by Sieve ----
    /** Set by ECS agent (task metadata / task protection endpoint). */
    public static final String ECS_AGENT_URI = "ECS_AGENT_URI";
}
