package dev.sieve.gate.tenant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.Settings;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How callers become tenants and what each tenant may send, read once from the environment.
 *
 * @param claim JWT claim naming the tenant ({@code SIEVE_TENANT_CLAIM}, default {@code tenant}; {@code
 *     sub} when a token lacks it)
 * @param principals IAM principal (role/user ARN or account id) → tenant ({@code SIEVE_TENANT_PRINCIPALS});
 *     empty: each account is its own tenant
 * @param defaults quota of every tenant without an override
 * @param overrides per-tenant quotas ({@code SIEVE_QUOTA_OVERRIDES})
 * @param laneQueueUrls tenant → its dedicated real-time queue ({@code SIEVE_LANE_QUEUE_URLS}); a tenant not
 *     listed shares the real-time queue
 */
public record TenantConfig(
        String claim,
        Map<String, String> principals,
        QuotaLimits defaults,
        Map<String, QuotaLimits> overrides,
        Map<String, String> laneQueueUrls) {

    /** Default sustained rate per tenant, items per second. */
    public static final long DEFAULT_ITEMS_PER_SECOND = 2_000;
    /** Default burst, in seconds of the rate. */
    public static final int DEFAULT_BURST_SECONDS = 10;
    /** Default items per tenant per UTC day. */
    public static final long DEFAULT_DAILY_ITEMS = 50_000_000;

    /**
     * One tenant's quota.
     *
     * @param itemsPerSecond sustained rate
     * @param burstSeconds how many seconds of the rate may arrive at once
     * @param dailyItems items per UTC day
     */
    public record QuotaLimits(long itemsPerSecond, int burstSeconds, long dailyItems) {
        public QuotaLimits {
            if (itemsPerSecond < 1 || burstSeconds < 1 || dailyItems < 1) {
                throw new IllegalArgumentException("quota limits must be positive");
            }
        }
    }

    public TenantConfig {
        Objects.requireNonNull(claim, "claim");
        principals = Map.copyOf(principals);
        Objects.requireNonNull(defaults, "defaults");
        overrides = Map.copyOf(overrides);
        laneQueueUrls = Map.copyOf(laneQueueUrls);
    }

    /** Defaults only: claim {@code tenant}, accounts as tenants, the default quota for everyone. */
    public static TenantConfig standard() {
        return fromEnvironment(Map.of());
    }

    public static TenantConfig fromEnvironment(Map<String, String> env) {
        Settings settings = Settings.of(env);
        String claim = settings.optional(EnvironmentVariables.TENANT_CLAIM, "tenant");
        QuotaLimits defaults = new QuotaLimits(
                settings.longInRange(
                        EnvironmentVariables.QUOTA_ITEMS_PER_SECOND, DEFAULT_ITEMS_PER_SECOND, 1, 100_000_000),
                settings.intInRange(EnvironmentVariables.QUOTA_BURST_SECONDS, DEFAULT_BURST_SECONDS, 1, 3600),
                settings.longInRange(
                        EnvironmentVariables.QUOTA_DAILY_ITEMS, DEFAULT_DAILY_ITEMS, 1, 1_000_000_000_000L));
        Map<String, String> principals = new LinkedHashMap<>();
        String rawPrincipals = settings.optional(EnvironmentVariables.TENANT_PRINCIPALS, "");
        if (!rawPrincipals.isEmpty()) {
            Map<String, String> parsed = readJson(
                    EnvironmentVariables.TENANT_PRINCIPALS,
                    rawPrincipals,
                    new TypeReference<Map<String, String>>() {},
                    "{\"arn:aws:iam::123456789012:role/ingest\":\"acme\"}");
            parsed.forEach((principal, tenant) -> {
                requireTenant(EnvironmentVariables.TENANT_PRINCIPALS, tenant);
                principals.put(principal, tenant);
            });
        }
        Map<String, QuotaLimits> overrides = new LinkedHashMap<>();
        String rawOverrides = settings.optional(EnvironmentVariables.QUOTA_OVERRIDES, "");
        if (!rawOverrides.isEmpty()) {
            String example = "{\"acme\":{\"items_per_second\":50,\"daily_items\":100000}}";
            Map<String, JsonNode> parsed = readJson(
                    EnvironmentVariables.QUOTA_OVERRIDES,
                    rawOverrides,
                    new TypeReference<Map<String, JsonNode>>() {},
                    example);
            parsed.forEach((tenant, limits) -> {
                requireTenant(EnvironmentVariables.QUOTA_OVERRIDES, tenant);
                overrides.put(
                        tenant,
                        new QuotaLimits(
                                positive(tenant, limits, "items_per_second", defaults.itemsPerSecond()),
                                (int) Math.min(
                                        3600, positive(tenant, limits, "burst_seconds", defaults.burstSeconds())),
                                positive(tenant, limits, "daily_items", defaults.dailyItems())));
            });
        }
        return new TenantConfig(claim, principals, defaults, overrides, lanes(settings));
    }

    private static Map<String, String> lanes(Settings settings) {
        Map<String, String> lanes = new LinkedHashMap<>();
        String raw = settings.optional(EnvironmentVariables.LANE_QUEUE_URLS, "");
        if (raw.isEmpty()) {
            return lanes;
        }
        Map<String, JsonNode> parsed = readJson(
                EnvironmentVariables.LANE_QUEUE_URLS,
                raw,
                new TypeReference<Map<String, JsonNode>>() {},
                "{\"acme\":\"https://sqs.eu-west-1.amazonaws.com/123456789012/acme-lane\"}");
        parsed.forEach((tenant, url) -> {
            requireTenant(EnvironmentVariables.LANE_QUEUE_URLS, tenant);
            if (url == null
                    || !url.isTextual()
                    || !(url.asText().startsWith("https://") || url.asText().startsWith("http://"))) {
                throw new ConfigException(EnvironmentVariables.LANE_QUEUE_URLS + ": " + tenant
                        + " must name a queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>), got " + url);
            }
            lanes.put(tenant, url.asText());
        });
        return lanes;
    }

    /** The quota of {@code tenant}: its override, or the defaults. */
    public QuotaLimits limitsOf(Tenant tenant) {
        return overrides.getOrDefault(tenant.name(), defaults);
    }

    /** The dedicated real-time queue of {@code tenant}, if it has a lane. */
    public java.util.Optional<String> laneQueueUrl(Tenant tenant) {
        return java.util.Optional.ofNullable(laneQueueUrls.get(tenant.name()));
    }

    private static <T> T readJson(String variable, String raw, TypeReference<T> type, String example) {
        try {
            T value = Json.mapper().readValue(raw, type);
            if (value == null) {
                throw new ConfigException(variable + " must be a JSON object, e.g. " + example);
            }
            return value;
        } catch (java.io.IOException e) {
            throw new ConfigException(variable + " is not a JSON object like " + example + ": " + e.getMessage());
        }
    }

    private static void requireTenant(String variable, String tenant) {
        if (!Tenant.isValid(tenant)) {
            throw new ConfigException(variable + " names tenant '" + tenant + "', which does not match " + Tenant.NAME
                    + " (letters, digits, '.', '_', '-'; up to 64)");
        }
    }

    private static long positive(String tenant, JsonNode limits, String field, long fallback) {
        JsonNode value = limits.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToLong() || value.asLong() < 1) {
            throw new ConfigException(EnvironmentVariables.QUOTA_OVERRIDES + ": " + tenant + "." + field
                    + " must be a positive whole number (got " + value + ")");
        }
        return value.asLong();
    }
}
