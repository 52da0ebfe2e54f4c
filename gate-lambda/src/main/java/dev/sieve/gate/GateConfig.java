package dev.sieve.gate;

import dev.sieve.contract.ChunkLimits;
import dev.sieve.gate.tenant.TenantConfig;
import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.config.Settings;
import java.util.Map;

/**
 * The gate Lambda's configuration, read once at start from the environment (the names in {@link
 * EnvironmentVariables}, set by the CDK app, by {@code sieve local} or by tests).
 *
 * @param tableName DynamoDB table of request/job status and results
 * @param bucketName S3 bucket of uploads, manifests, part files and outputs
 * @param realtimeQueueUrl queue for escalations of real-time requests
 * @param asyncQueueUrl queue for escalations of async requests and uploads
 * @param batchQueueUrl queue for escalated batch-transform chunks
 * @param jobsQueueUrl batch-transform control queue (chunk and assemble tasks); empty: tasks run
 *     in the invocation that creates them (fine for small manifests, not for large ones)
 * @param bundleUri local directory or {@code s3://bucket/prefix/} of the model bundle
 * @param apiBaseUrl public base URL of the API (results URLs); empty for relative URLs
 * @param realtimeMaxItems largest item count answered in real-time mode (default 1000)
 * @param realtimeBudgetMs how long a real-time request waits for escalated items (default 2000)
 * @param batchChunkItems manifest lines per batch-transform chunk (default {@link
 *     ResourceDefaults#BATCH_CHUNK_ITEMS})
 * @param batchChunkBytes largest batch-transform chunk in bytes (default {@link #DEFAULT_BATCH_CHUNK_BYTES})
 * @param resultsTtlDays days results stay in DynamoDB (default 7)
 * @param maxRequestItems largest item count of one API request or upload (default 100000)
 * @param uploadUrlTtlSeconds lifetime of a presigned upload URL (default 300)
 * @param s3PathStyle path-style S3 addressing (emulators)
 * @param metricsNamespace CloudWatch EMF namespace (default {@code Sieve})
 * @param tenants how callers map to tenants, and each tenant's quota
 */
public record GateConfig(
        String tableName,
        String bucketName,
        String realtimeQueueUrl,
        String asyncQueueUrl,
        String batchQueueUrl,
        String jobsQueueUrl,
        String bundleUri,
        String apiBaseUrl,
        int realtimeMaxItems,
        int realtimeBudgetMs,
        int batchChunkItems,
        int batchChunkBytes,
        int resultsTtlDays,
        int maxRequestItems,
        int uploadUrlTtlSeconds,
        boolean s3PathStyle,
        String metricsNamespace,
        TenantConfig tenants) {

    /** Largest UTF-8 size of one item's text (1 MiB). */
    public static final int MAX_TEXT_BYTES = 1024 * 1024;
    /** Largest item id length in characters. */
    public static final int MAX_ID_LENGTH = 256;
    /** Largest request body the API accepts (a synchronous Lambda invoke's payload limit). */
    public static final long MAX_BODY_BYTES = 6L * 1024 * 1024;
    /** Largest real-time body: leaves room in the 6 MB invoke limit for the response. */
    public static final long REALTIME_MAX_BODY_BYTES = 5L * 1024 * 1024;
    /**
     * Default largest chunk (32 MiB): what one chunk task reads and gates in one invocation, and about what
     * its escalated texts weigh in the worker's payload. Large enough that 10,000 emails of about 2 KB fill a
     * chunk by lines, not bytes (every chunk costs its own manifest GET, part files and assembly reads: at
     * 4 MiB, 2 KB items made chunks of about 2,100 and S3 requests the largest line of the batch bill); small
     * enough that a chunk of 1 MB texts still holds only 32 of them.
     */
    public static final int DEFAULT_BATCH_CHUNK_BYTES = ResourceDefaults.BATCH_CHUNK_BYTES;
    /** Largest object accepted through {@code POST /v1/uploads}. */
    public static final long MAX_UPLOAD_BYTES = 256L * 1024 * 1024;

    public GateConfig {
        if (realtimeMaxItems > maxRequestItems) {
            throw new ConfigException(EnvironmentVariables.REALTIME_MAX_ITEMS + "=" + realtimeMaxItems
                    + " exceeds " + EnvironmentVariables.MAX_REQUEST_ITEMS + "=" + maxRequestItems
                    + "; the real-time cap must not exceed the request cap");
        }
        apiBaseUrl = apiBaseUrl.endsWith("/") ? apiBaseUrl.substring(0, apiBaseUrl.length() - 1) : apiBaseUrl;
    }

    public static GateConfig fromEnvironment(Map<String, String> env) {
        Settings settings = Settings.of(env);
        String pathStyle = settings.optional(EnvironmentVariables.S3_PATH_STYLE, "false");
        if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
            throw new ConfigException(
                    EnvironmentVariables.S3_PATH_STYLE + "='" + pathStyle + "' is not allowed; use true or false");
        }
        return new GateConfig(
                settings.required(EnvironmentVariables.TABLE_NAME),
                settings.required(EnvironmentVariables.BUCKET_NAME),
                settings.required(EnvironmentVariables.REALTIME_QUEUE_URL),
                settings.required(EnvironmentVariables.ASYNC_QUEUE_URL),
                settings.required(EnvironmentVariables.BATCH_QUEUE_URL),
                settings.optional(EnvironmentVariables.JOBS_QUEUE_URL, ""),
                settings.required(EnvironmentVariables.BUNDLE_URI),
                settings.optional(EnvironmentVariables.API_BASE_URL, ""),
                settings.intInRange(EnvironmentVariables.REALTIME_MAX_ITEMS, 1000, 1, 10_000),
                settings.intInRange(EnvironmentVariables.REALTIME_BUDGET_MS, 2000, 0, 25_000),
                settings.intInRange(
                        EnvironmentVariables.BATCH_CHUNK_ITEMS, ResourceDefaults.BATCH_CHUNK_ITEMS, 1, 100_000),
                settings.intInRange(
                        EnvironmentVariables.BATCH_CHUNK_BYTES, DEFAULT_BATCH_CHUNK_BYTES, 1, 256 * 1024 * 1024),
                settings.intInRange(EnvironmentVariables.RESULTS_TTL_DAYS, 7, 1, 365),
                settings.intInRange(EnvironmentVariables.MAX_REQUEST_ITEMS, 100_000, 1, 10_000_000),
                settings.intInRange(EnvironmentVariables.UPLOAD_URL_TTL_S, 300, 60, 3600),
                pathStyle.equals("true"),
                settings.optional(EnvironmentVariables.METRICS_NAMESPACE, "Sieve"),
                TenantConfig.fromEnvironment(env));
    }

    /** Where {@code tenant}'s real-time escalations go: its dedicated lane, or the shared real-time queue. */
    public String realtimeQueueUrl(dev.sieve.shared.tenant.Tenant tenant) {
        return tenants.laneQueueUrl(tenant).orElse(realtimeQueueUrl);
    }

    /** How manifests are cut into chunks ({@link #batchChunkItems} lines, {@link #batchChunkBytes} bytes). */
    public ChunkLimits chunkLimits() {
        return new ChunkLimits(batchChunkItems, batchChunkBytes);
    }

    /** A copy with another API base URL ({@code sieve local} learns its port after binding). */
    public GateConfig withApiBaseUrl(String url) {
        return new GateConfig(
                tableName,
                bucketName,
                realtimeQueueUrl,
                asyncQueueUrl,
                batchQueueUrl,
                jobsQueueUrl,
                bundleUri,
                url,
                realtimeMaxItems,
                realtimeBudgetMs,
                batchChunkItems,
                batchChunkBytes,
                resultsTtlDays,
                maxRequestItems,
                uploadUrlTtlSeconds,
                s3PathStyle,
                metricsNamespace,
                tenants);
    }
}
