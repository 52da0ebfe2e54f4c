package dev.sieve.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Worker settings for tests: small batches, short waits, three in-memory queue names, no response cache. */
public final class TestConfigs {
    public static final String REALTIME = "mem://realtime";
    public static final String ASYNC = "mem://async";
    public static final String BATCH = "mem://batch";

    private TestConfigs() {}

    public static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("SIEVE_REALTIME_QUEUE_URL", REALTIME);
        env.put("SIEVE_ASYNC_QUEUE_URL", ASYNC);
        env.put("SIEVE_BATCH_QUEUE_URL", BATCH);
        env.put("SIEVE_TABLE_NAME", "table");
        env.put("SIEVE_BUCKET_NAME", "bucket");
        env.put("SIEVE_BUNDLE_URI", "/tmp/none");
        env.put("SIEVE_MAX_BATCH_ITEMS", "8");
        env.put("SIEVE_MAX_WAIT_MS", "5");
        env.put("SIEVE_TOKENIZER_THREADS", "2");
        env.put("SIEVE_WRITER_THREADS", "2");
        env.put("SIEVE_ITEM_RETRY_LIMIT", "1");
        // Tests repeat texts freely; the response cache has its own tests (ResponseCacheTest).
        env.put("SIEVE_CACHE_TTL_HOURS", "0");
        return env;
    }

    public static WorkerConfig config(Map<String, String> overrides) {
        Map<String, String> env = env();
        env.putAll(overrides);
        return WorkerConfig.fromEnvironment(env, 2);
    }

    /** The same settings with another lease (below the 6 s the environment allows, for fast tests). */
    public static WorkerConfig withVisibility(WorkerConfig c, Duration visibility) {
        return new WorkerConfig(
                c.queueUrls(),
                c.tableName(),
                c.bucketName(),
                c.bundleUri(),
                c.bundleCacheDir(),
                c.device(),
                c.maxBatchItems(),
                c.maxBatchTokens(),
                c.maxWait(),
                c.maxInFlightItems(),
                visibility,
                c.drainGrace(),
                c.idlePollSeconds(),
                c.starvationLimit(),
                c.itemRetryLimit(),
                c.releaseDelay(),
                c.tokenizerThreads(),
                c.intraOpThreads(),
                c.writerThreads(),
                c.metricsNamespace(),
                c.resultsTtl(),
                c.ecsAgentUri(),
                c.s3PathStyle(),
                c.jobsQueueUrl(),
                c.expertPrecision(),
                c.cacheTtl(),
                c.cacheAcrossTenants(),
                c.outageHold());
    }
}
