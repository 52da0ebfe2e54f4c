package dev.sieve.worker;

import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.Settings;
import dev.sieve.shared.queue.Priority;
import dev.sieve.worker.expert.ExpertPrecision;
import dev.sieve.worker.expert.OnnxExpert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The worker's settings, read once at start from the environment and validated. The README's
 * settings table lists the same names, defaults and ranges.
 *
 * @param queueUrls queue URL per priority; at least one is required, a missing one is not polled
 * @param tableName DynamoDB table of request/job status and results
 * @param bucketName S3 bucket for job part files and large message payloads
 * @param bundleUri a local bundle directory or {@code s3://bucket/prefix/}
 * @param bundleCacheDir where an S3 bundle is downloaded
 * @param device {@code cpu} or {@code cuda:N}
 * @param maxBatchItems most items per expert batch
 * @param maxBatchTokens most padded tokens (longest sequence × items) per batch
 * @param maxWait longest a batch waits to fill once its first item is ready
 * @param maxInFlightItems most items received and not yet answered
 * @param visibilityTimeout lease of a received message; the heart-beat renews it every third
 * @param drainGrace time after SIGTERM to finish in-flight work before releasing the rest
 * @param idlePollSeconds long-poll wait per queue once all queues came back empty
 * @param starvationLimit cycles/batches a lower priority may be passed over before it goes first
 * @param itemRetryLimit receive count from which an item that keeps failing gets an error result
 * @param releaseDelay visibility given to messages for another bundle version
 * @param tokenizerThreads tokenizer pool size
 * @param intraOpThreads ONNX Runtime intra-op threads
 * @param writerThreads result writer pool size
 * @param metricsNamespace CloudWatch namespace of the EMF metrics
 * @param resultsTtl how long results stay in DynamoDB
 * @param ecsAgentUri the ECS agent endpoint (task protection), absent outside ECS
 * @param s3PathStyle path-style S3 addressing: on when {@code AWS_ENDPOINT_URL_S3} points the SDK at
 *     an S3-compatible server (local mode), off for AWS
 * @param jobsQueueUrl the gate's jobs queue; when set, the worker that counts a job's last chunk done
 *     sends the job's ASSEMBLE task there, when absent assembly waits for a {@code GET /v1/jobs/{id}}
 * @param expertPrecision which of the bundle's expert graphs is served (fp16 only on CUDA)
 * @param cacheTtl how long an expert answer stays in the response cache; zero = no cache
 * @param outageHold how long a message is held through a dependency outage before it is given back
 * @param cacheAcrossTenants whether one tenant's items may be answered from another tenant's cached answers
 *     ({@code SIEVE_CACHE_SCOPE=deployment}); off by default, so the cache reveals nothing across tenants
 */
public record WorkerConfig(
        Map<Priority, String> queueUrls,
        String tableName,
        String bucketName,
        String bundleUri,
        Path bundleCacheDir,
        String device,
        int maxBatchItems,
        int maxBatchTokens,
        Duration maxWait,
        int maxInFlightItems,
        Duration visibilityTimeout,
        Duration drainGrace,
        int idlePollSeconds,
        int starvationLimit,
        int itemRetryLimit,
        Duration releaseDelay,
        int tokenizerThreads,
        int intraOpThreads,
        int writerThreads,
        String metricsNamespace,
        Duration resultsTtl,
        Optional<String> ecsAgentUri,
        boolean s3PathStyle,
        Optional<String> jobsQueueUrl,
        ExpertPrecision expertPrecision,
        Duration cacheTtl,
        boolean cacheAcrossTenants,
        Duration outageHold) {

    /** The SDK's standard variable for a custom S3 endpoint (read only to choose path-style addressing). */
    public static final String AWS_ENDPOINT_URL_S3 = "AWS_ENDPOINT_URL_S3";

    private static final Pattern DEVICE = Pattern.compile("cpu|cuda:\\d+");

    public WorkerConfig {
        queueUrls = Collections.unmodifiableMap(new EnumMap<>(queueUrls));
    }

    /** Reads and validates the settings; a bad one raises {@link ConfigException} naming it. */
    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, Runtime.getRuntime().availableProcessors());
    }

    static WorkerConfig fromEnvironment(Map<String, String> env, int cores) {
        Settings settings = Settings.of(env);
        Map<Priority, String> queues = new EnumMap<>(Priority.class);
        putIfSet(queues, Priority.REALTIME, settings.optional(EnvironmentVariables.REALTIME_QUEUE_URL, null));
        putIfSet(queues, Priority.ASYNC, settings.optional(EnvironmentVariables.ASYNC_QUEUE_URL, null));
        putIfSet(queues, Priority.BATCH, settings.optional(EnvironmentVariables.BATCH_QUEUE_URL, null));
        if (queues.isEmpty()) {
            throw new ConfigException("no queue to poll: set at least one of " + EnvironmentVariables.REALTIME_QUEUE_URL
                    + ", " + EnvironmentVariables.ASYNC_QUEUE_URL + ", " + EnvironmentVariables.BATCH_QUEUE_URL);
        }
        String device = settings.optional(EnvironmentVariables.DEVICE, "cpu").toLowerCase(java.util.Locale.ROOT);
        if (!DEVICE.matcher(device).matches()) {
            throw new ConfigException(EnvironmentVariables.DEVICE + "='" + device
                    + "' is not a device; allowed 'cpu' or 'cuda:N' (e.g. cuda:0)");
        }
        int maxBatchItems = settings.intInRange(EnvironmentVariables.MAX_BATCH_ITEMS, 64, 1, 4096);
        int maxBatchTokens = settings.intInRange(EnvironmentVariables.MAX_BATCH_TOKENS, 16_384, 16, 4_194_304);
        int visibilityS = settings.intInRange(EnvironmentVariables.VISIBILITY_TIMEOUT_S, 60, 6, 43_200);
        int defaultIntraOp = device.equals("cpu") ? cores : 1;
        ExpertPrecision precision = precision(settings, device);
        return new WorkerConfig(
                queues,
                settings.required(EnvironmentVariables.TABLE_NAME),
                settings.required(EnvironmentVariables.BUCKET_NAME),
                settings.required(EnvironmentVariables.BUNDLE_URI),
                Path.of(settings.optional(
                        EnvironmentVariables.BUNDLE_CACHE_DIR,
                        Path.of(System.getProperty("java.io.tmpdir"), "sieve-bundles")
                                .toString())),
                device,
                maxBatchItems,
                maxBatchTokens,
                Duration.ofMillis(settings.intInRange(EnvironmentVariables.MAX_WAIT_MS, 20, 0, 60_000)),
                settings.intInRange(
                        EnvironmentVariables.MAX_IN_FLIGHT_ITEMS, Math.max(256, 8 * maxBatchItems), 1, 1_000_000),
                Duration.ofSeconds(visibilityS),
                Duration.ofSeconds(settings.intInRange(EnvironmentVariables.DRAIN_GRACE_S, 25, 0, 3600)),
                settings.intInRange(EnvironmentVariables.IDLE_POLL_S, 1, 1, 20),
                settings.intInRange(EnvironmentVariables.STARVATION_LIMIT, 8, 1, 10_000),
                settings.intInRange(EnvironmentVariables.ITEM_RETRY_LIMIT, 3, 1, 1000),
                Duration.ofSeconds(settings.intInRange(EnvironmentVariables.RELEASE_DELAY_S, 5, 0, 43_200)),
                settings.intInRange(EnvironmentVariables.TOKENIZER_THREADS, Math.max(1, cores - 1), 1, 1024),
                settings.intInRange(EnvironmentVariables.INTRA_OP_THREADS, defaultIntraOp, 1, 1024),
                settings.intInRange(EnvironmentVariables.WRITER_THREADS, 4, 1, 256),
                settings.optional(EnvironmentVariables.METRICS_NAMESPACE, "Sieve"),
                Duration.ofDays(settings.intInRange(EnvironmentVariables.RESULTS_TTL_DAYS, 7, 1, 3650)),
                Optional.ofNullable(settings.optional(EnvironmentVariables.ECS_AGENT_URI, null)),
                settings.optional(AWS_ENDPOINT_URL_S3, null) != null,
                Optional.ofNullable(settings.optional(EnvironmentVariables.JOBS_QUEUE_URL, null)),
                precision,
                Duration.ofHours(settings.intInRange(EnvironmentVariables.CACHE_TTL_HOURS, 24, 0, 24 * 365)),
                cacheAcrossTenants(settings),
                Duration.ofSeconds(settings.intInRange(EnvironmentVariables.OUTAGE_HOLD_S, 900, 0, 43_200)));
    }

    /** Whether the expert runs on a CUDA device. */
    public boolean cuda() {
        return device.startsWith("cuda:");
    }

    /** The CUDA device index ({@code cuda:N}); 0 on CPU. */
    public int cudaDeviceId() {
        return cuda() ? Integer.parseInt(device.substring("cuda:".length())) : 0;
    }

    /** A copy with other batching limits (benchmarks, tests). */
    public WorkerConfig withBatching(int items, int tokens, Duration wait) {
        return new WorkerConfig(
                queueUrls,
                tableName,
                bucketName,
                bundleUri,
                bundleCacheDir,
                device,
                items,
                tokens,
                wait,
                maxInFlightItems,
                visibilityTimeout,
                drainGrace,
                idlePollSeconds,
                starvationLimit,
                itemRetryLimit,
                releaseDelay,
                tokenizerThreads,
                intraOpThreads,
                writerThreads,
                metricsNamespace,
                resultsTtl,
                ecsAgentUri,
                s3PathStyle,
                jobsQueueUrl,
                expertPrecision,
                cacheTtl,
                cacheAcrossTenants,
                outageHold);
    }

    private static boolean cacheAcrossTenants(Settings settings) {
        String scope = settings.optional(EnvironmentVariables.CACHE_SCOPE, "tenant");
        return switch (scope) {
            case "tenant" -> false;
            case "deployment" -> true;
            default ->
                throw new ConfigException(
                        EnvironmentVariables.CACHE_SCOPE + " is '" + scope
                                + "'; allowed: tenant (answers shared only within a tenant), deployment (shared by all tenants)");
        };
    }

    private static ExpertPrecision precision(Settings settings, String device) {
        String value = settings.optional(EnvironmentVariables.EXPERT_PRECISION, "fp32");
        ExpertPrecision precision;
        try {
            precision = ExpertPrecision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(EnvironmentVariables.EXPERT_PRECISION + ": " + e.getMessage());
        }
        if (precision == ExpertPrecision.FP16 && device.equals("cpu")) {
            throw new ConfigException(EnvironmentVariables.EXPERT_PRECISION + "=fp16 needs a CUDA device ("
                    + EnvironmentVariables.DEVICE + "=cuda:N); on a CPU use int8 (fastest) or fp32");
        }
        return precision;
    }

    /** How the expert is opened: device, threads, precision. */
    public OnnxExpert.Options expertOptions() {
        return new OnnxExpert.Options(device, intraOpThreads, expertPrecision);
    }

    private static void putIfSet(Map<Priority, String> queues, Priority priority, String url) {
        if (url != null) {
            queues.put(priority, url);
        }
    }
}
