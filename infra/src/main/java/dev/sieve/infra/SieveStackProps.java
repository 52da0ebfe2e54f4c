package dev.sieve.infra;

import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.config.Settings;
import dev.sieve.shared.metrics.MetricNames;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything about a Sieve deployment that a platform team may choose, with safe defaults. Read
 * once from CDK context ({@code cdk.json} or {@code -c key=value}) by {@link #fromContext}, validated,
 * and handed to {@link SieveStack}. Nothing here names an account, a region or a physical resource.
 *
 * @param authorizer how callers authenticate to the HTTP API: {@link Authorizer#IAM} (default) or
 *     {@link Authorizer#JWT}
 * @param jwtIssuer the issuer URL of the JWT authorizer (required when {@code authorizer=jwt})
 * @param jwtAudience accepted audiences of the JWT authorizer (required when {@code authorizer=jwt})
 * @param bundleVersion the model bundle under {@code s3://<bucket>/bundles/<version>/}
 * @param realtimeBudgetMillis how long the real-time handler waits for escalated items
 * @param gateMemoryMb memory (and so CPU) of the gate Lambda
 * @param batchHandlerMemoryMb memory of the batch-job (S3 event) Lambda
 * @param resultsTtlDays days a result stays in DynamoDB
 * @param apiRateLimit steady-state requests per second the API stage accepts
 * @param apiBurstLimit burst requests the API stage accepts
 * @param instanceTypes GPU instance types for the worker capacity, in order of preference
 * @param onDemandBaseCapacity instances always bought on demand before spot is used (default 0)
 * @param maxWorkers most worker tasks (one GPU each) and so most instances
 * @param backlogPerTaskTarget queue messages (visible + in flight) per running task that target
 *     tracking aims for
 * @param visibilityTimeoutSeconds visibility timeout of the work queues, also the worker's lease
 * @param maxReceiveCount receives before a work-queue message goes to its dead-letter queue (the jobs queue keeps
 *     {@code ResourceDefaults.JOBS_MAX_RECEIVE_COUNT})
 * @param maxBatchItems the worker's dynamic batcher: most items per batch
 * @param maxBatchTokens the worker's dynamic batcher: most tokens per batch
 * @param maxWaitMillis the worker's dynamic batcher: longest wait to fill a batch
 * @param drainGraceSeconds seconds the worker has after SIGTERM (container stop timeout follows)
 * @param natGateways NAT gateways of the worker VPC (0 puts workers in public subnets)
 * @param metricsNamespace CloudWatch namespace of Sieve's metrics
 * @param logRetentionDays retention of every log group the stack creates
 * @param retainData keep the bucket and the table when the stack is deleted (default true)
 * @param kmsKey data at rest under a customer-managed KMS key: {@code create} (the stack makes one) or a
 *     key ARN; null (default) for AWS-managed keys. See {@link DataKey}
 * @param alarmEmail optional address subscribed to the alarm topic
 * @param gpuInstanceHourlyUsd price of one worker instance-hour, for the dashboard's cost figure
 * @param lambdaGbSecondUsd price of one Lambda GB-second, for the dashboard's cost figure
 * @param apiRequestUsd price of one HTTP API request, for the dashboard's cost figure
 * @param dedicatedTenants tenants with a dedicated real-time lane: their own queue and a warm worker service
 *     that polls only it ({@link LaneWorkerService}); default none
 * @param laneMinWorkers tasks each lane keeps running, busy or not (default 1: a lane is for latency)
 * @param laneMaxWorkers most tasks of each lane (default 2)
 * @param gateJar the shaded gate Lambda jar to deploy
 * @param eventsJar the shaded events Lambda jar to deploy ({@link SieveEventsOutbox})
 * @param workerImage where the worker's container image is built from
 */
public record SieveStackProps(
        Authorizer authorizer,
        String jwtIssuer,
        List<String> jwtAudience,
        String bundleVersion,
        int realtimeBudgetMillis,
        int gateMemoryMb,
        int batchHandlerMemoryMb,
        int resultsTtlDays,
        int apiRateLimit,
        int apiBurstLimit,
        List<String> instanceTypes,
        int onDemandBaseCapacity,
        int maxWorkers,
        int backlogPerTaskTarget,
        int visibilityTimeoutSeconds,
        int maxReceiveCount,
        int maxBatchItems,
        int maxBatchTokens,
        int maxWaitMillis,
        int drainGraceSeconds,
        int natGateways,
        String metricsNamespace,
        int logRetentionDays,
        boolean retainData,
        String kmsKey,
        String alarmEmail,
        double gpuInstanceHourlyUsd,
        double lambdaGbSecondUsd,
        double apiRequestUsd,
        List<String> dedicatedTenants,
        int laneMinWorkers,
        int laneMaxWorkers,
        Path gateJar,
        Path eventsJar,
        WorkerImageSource workerImage) {

    /** How callers authenticate to the HTTP API. */
    public enum Authorizer {
        /** SigV4-signed requests from IAM principals holding {@code execute-api:Invoke}. */
        IAM,
        /** Bearer tokens from an OpenID Connect / OAuth 2.0 issuer. */
        JWT
    }

    /**
     * The bundle version of a deploy without {@code -c bundleVersion}: the first deploy of a new account,
     * before {@code sieve bundle publish} has put anything in the stack's bucket.
     */
    public static final String UNPUBLISHED_BUNDLE_VERSION = "current";

    /** Whether a published bundle is named, so a worker task can start (see {@link GpuWorkerService}). */
    public boolean bundlePublished() {
        return !UNPUBLISHED_BUNDLE_VERSION.equals(bundleVersion);
    }

    /** The context keys {@link #fromContext} reads; anything else in the context is ignored. */
    public static final List<String> CONTEXT_KEYS = List.of(
            "authorizer",
            "jwtIssuer",
            "jwtAudience",
            "bundleVersion",
            "realtimeBudgetMs",
            "gateMemoryMb",
            "batchHandlerMemoryMb",
            "resultsTtlDays",
            "apiRateLimit",
            "apiBurstLimit",
            "instanceTypes",
            "onDemandBaseCapacity",
            "maxWorkers",
            "backlogPerTaskTarget",
            "visibilityTimeoutSeconds",
            "maxReceiveCount",
            "maxBatchItems",
            "maxBatchTokens",
            "maxWaitMs",
            "drainGraceSeconds",
            "natGateways",
            "metricsNamespace",
            "logRetentionDays",
            "retainData",
            "kmsKey",
            "alarmEmail",
            "gpuInstanceHourlyUsd",
            "lambdaGbSecondUsd",
            "apiRequestUsd",
            "dedicatedTenants",
            "laneMinWorkers",
            "laneMaxWorkers");

    /** Most dedicated lanes of one stack: each is a warm GPU worker, so a long list is a costly mistake. */
    public static final int MAX_LANES = 10;

    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[0-9]*[a-z]+");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A KMS key ARN; an alias ARN does not do, since IAM grants on an alias authorize nothing on the key. */
    private static final Pattern KEY_ARN = Pattern.compile(
            "arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-)?[0-9a-f]{8}(-?[0-9a-f]{4}){3}-?[0-9a-f]{12}");

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._/#:-]{1,255}");
    private static final List<Integer> LOG_RETENTION_DAYS = List.of(
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    public SieveStackProps {
        Objects.requireNonNull(authorizer, "authorizer");
        jwtAudience = List.copyOf(jwtAudience);
        instanceTypes = List.copyOf(instanceTypes);
        Objects.requireNonNull(gateJar, "gateJar");
        Objects.requireNonNull(eventsJar, "eventsJar");
        Objects.requireNonNull(workerImage, "workerImage");
        if (authorizer == Authorizer.JWT && (jwtIssuer == null || jwtIssuer.isBlank() || jwtAudience.isEmpty())) {
            throw new ConfigException("authorizer=jwt needs jwtIssuer (the issuer URL, e.g. https://cognito-idp"
                    + ".<region>.amazonaws.com/<pool-id>) and jwtAudience (comma-separated client ids)");
        }
        if (jwtIssuer != null && !jwtIssuer.isBlank() && !jwtIssuer.startsWith("https://")) {
            throw new ConfigException("jwtIssuer='" + jwtIssuer + "' must be an https:// URL");
        }
        if (!VERSION.matcher(bundleVersion).matches()) {
            throw new ConfigException("bundleVersion='" + bundleVersion
                    + "' is not a valid version; allowed letters, digits, '.', '_', '-'");
        }
        if (instanceTypes.isEmpty()) {
            throw new ConfigException("instanceTypes is empty; give at least one, e.g. g6.xlarge,g5.xlarge");
        }
        for (String type : instanceTypes) {
            if (!INSTANCE_TYPE.matcher(type).matches()) {
                throw new ConfigException(
                        "instanceTypes contains '" + type + "', which is not an instance type like" + " g6.xlarge");
            }
        }
        if (onDemandBaseCapacity > maxWorkers) {
            throw new ConfigException("onDemandBaseCapacity=" + onDemandBaseCapacity + " is larger than maxWorkers="
                    + maxWorkers + "; allowed 0.." + maxWorkers);
        }
        if (apiBurstLimit < apiRateLimit) {
            throw new ConfigException("apiBurstLimit=" + apiBurstLimit + " is below apiRateLimit=" + apiRateLimit
                    + "; the burst must be at least the rate");
        }
        if (drainGraceSeconds + 10 > GpuWorkerService.MAX_STOP_TIMEOUT_SECONDS) {
            throw new ConfigException("drainGraceSeconds=" + drainGraceSeconds + " leaves no margin before ECS kills"
                    + " the container; allowed 1.." + (GpuWorkerService.MAX_STOP_TIMEOUT_SECONDS - 10));
        }
        if (!NAMESPACE.matcher(metricsNamespace).matches() || metricsNamespace.startsWith("AWS/")) {
            throw new ConfigException("metricsNamespace='" + metricsNamespace + "' is not a valid custom namespace");
        }
        if (!LOG_RETENTION_DAYS.contains(logRetentionDays)) {
            throw new ConfigException("logRetentionDays=" + logRetentionDays
                    + " is not a CloudWatch Logs retention; allowed " + LOG_RETENTION_DAYS);
        }
        if (kmsKey != null
                && !DataKey.CREATE.equals(kmsKey)
                && !KEY_ARN.matcher(kmsKey).matches()) {
            throw new ConfigException("kmsKey='" + kmsKey + "' is neither 'create' nor a KMS key ARN"
                    + " (arn:aws:kms:<region>:<account>:key/<key-id>; not an alias); leave it out for AWS-managed"
                    + " keys");
        }
        dedicatedTenants = List.copyOf(dedicatedTenants);
        checkLanes(dedicatedTenants, laneMinWorkers, laneMaxWorkers);
        if (alarmEmail != null && !alarmEmail.isBlank() && !alarmEmail.contains("@")) {
            throw new ConfigException("alarmEmail='" + alarmEmail + "' is not an e-mail address");
        }
    }

    /**
     * Reads the settings from CDK context, using the defaults for anything not set.
     *
     * @param context looks a key up in the CDK context ({@code node.tryGetContext}); null when absent
     * @param gateJar the gate Lambda jar
     * @param eventsJar the events Lambda jar
     * @param workerImage where the worker image is built from
     * @throws ConfigException naming the key, its value and what is allowed
     */
    public static SieveStackProps fromContext(
            Function<String, Object> context, Path gateJar, Path eventsJar, WorkerImageSource workerImage) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : CONTEXT_KEYS) {
            Object value = context.apply(key);
            if (value instanceof List<?> list) {
                values.put(
                        key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else if (value != null) {
                values.put(key, String.valueOf(value));
            }
        }
        Settings s = Settings.of(values);
        return new SieveStackProps(
                authorizer(s.optional("authorizer", "iam")),
                s.optional("jwtIssuer", null),
                list(s.optional("jwtAudience", "")),
                s.optional("bundleVersion", UNPUBLISHED_BUNDLE_VERSION),
                s.intInRange("realtimeBudgetMs", 2_000, 50, 25_000),
                s.intInRange("gateMemoryMb", 2_048, 512, 10_240),
                s.intInRange("batchHandlerMemoryMb", 2_048, 512, 10_240),
                s.intInRange("resultsTtlDays", 7, 1, 365),
                s.intInRange("apiRateLimit", 1_000, 1, 100_000),
                s.intInRange("apiBurstLimit", 2_000, 1, 100_000),
                list(s.optional("instanceTypes", "g6.xlarge,g5.xlarge,g4dn.xlarge")),
                s.intInRange("onDemandBaseCapacity", 0, 0, 1_000),
                s.intInRange("maxWorkers", 4, 1, 1_000),
                s.intInRange("backlogPerTaskTarget", 20, 1, 100_000),
                s.intInRange("visibilityTimeoutSeconds", ResourceDefaults.VISIBILITY_TIMEOUT_SECONDS, 10, 43_200),
                s.intInRange("maxReceiveCount", ResourceDefaults.MAX_RECEIVE_COUNT, 1, 1_000),
                s.intInRange("maxBatchItems", 256, 1, 65_536),
                s.intInRange("maxBatchTokens", 65_536, 128, 4_194_304),
                s.intInRange("maxWaitMs", 20, 0, 10_000),
                s.intInRange("drainGraceSeconds", 90, 1, 3_600),
                s.intInRange("natGateways", 1, 0, 3),
                s.optional("metricsNamespace", MetricNames.DEFAULT_NAMESPACE),
                s.intInRange("logRetentionDays", 30, 1, 3_653),
                bool(s, "retainData", true),
                blankAsNull(s.optional("kmsKey", null)),
                s.optional("alarmEmail", null),
                price(s, "gpuInstanceHourlyUsd", 0.3622),
                price(s, "lambdaGbSecondUsd", 0.0000166667),
                price(s, "apiRequestUsd", 0.000001),
                list(s.optional("dedicatedTenants", "")),
                s.intInRange("laneMinWorkers", 1, 0, 100),
                s.intInRange("laneMaxWorkers", 2, 1, 100),
                gateJar,
                eventsJar,
                workerImage);
    }

    private static void checkLanes(List<String> tenants, int minWorkers, int maxWorkers) {
        if (tenants.size() > MAX_LANES) {
            throw new ConfigException("dedicatedTenants names " + tenants.size() + " tenants; allowed at most "
                    + MAX_LANES + " (each lane keeps laneMinWorkers GPU workers running)");
        }
        Map<String, String> byId = new LinkedHashMap<>();
        for (String tenant : tenants) {
            if (!dev.sieve.shared.tenant.Tenant.isValid(tenant)) {
                throw new ConfigException("dedicatedTenants contains '" + tenant + "', which is not a tenant name"
                        + " (1-64 letters, digits, '.', '_', '-', starting with a letter or digit)");
            }
            String other = byId.put(SieveQueues.laneId(tenant), tenant);
            if (other != null) {
                throw new ConfigException("dedicatedTenants contains '" + other + "' and '" + tenant
                        + "', which differ only in '.', '_' or '-' (or are the same); their lanes' resources would"
                        + " share names");
            }
        }
        if (minWorkers > maxWorkers) {
            throw new ConfigException("laneMinWorkers=" + minWorkers + " is larger than laneMaxWorkers=" + maxWorkers
                    + "; allowed 0.." + maxWorkers);
        }
    }

    private static Authorizer authorizer(String raw) {
        return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "iam" -> Authorizer.IAM;
            case "jwt" -> Authorizer.JWT;
            default -> throw new ConfigException("authorizer='" + raw + "' is not supported; allowed iam, jwt");
        };
    }

    private static List<String> list(String raw) {
        return Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    private static String blankAsNull(String raw) {
        return raw == null || raw.isBlank() ? null : raw.trim();
    }

    private static boolean bool(Settings s, String key, boolean defaultValue) {
        String raw = s.optional(key, String.valueOf(defaultValue));
        return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + "='" + raw + "' is not a boolean; allowed true, false");
        };
    }

    private static double price(Settings s, String key, double defaultValue) {
        String raw = s.optional(key, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(raw);
            if (value >= 0 && value < 1_000) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ConfigException(key + "='" + raw + "' is not a price in USD; allowed a number from 0 to 1000");
    }
}
