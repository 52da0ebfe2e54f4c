package dev.sieve.gate.tenant;

import dev.sieve.contract.AwsFailures;
import dev.sieve.shared.result.TableSchema;
import dev.sieve.shared.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * {@link Quotas} on the table's {@code QUOTA#<tenant>} rows ({@link TableSchema}), each limit one
 * conditional UpdateItem, so concurrent gate invocations never admit more than the limit together.
 *
 * <p><b>Rate</b>: the generic cell rate algorithm. The {@code RATE} row holds the tenant's theoretical
 * arrival time (TAT): the instant at which everything admitted so far would have been sent at the
 * sustained rate. {@code k} items cost {@code k / rate} seconds; they are admitted when the TAT is in
 * the past (the tenant is idle: TAT := now + cost, however large the request) or when TAT + cost stays
 * within the burst allowance (TAT := TAT + cost). Otherwise the answer is 429 with the seconds until it
 * would fit. <b>Daily</b>: an {@code ADD} on the UTC day's counter, conditional on staying within the
 * limit; its Retry-After is the next UTC midnight. The rate is checked first, so a request refused for
 * the day uses none of the day's allowance.
 */
public final class DynamoDbQuotas implements Quotas {
    private static final long MICROS = 1_000_000L;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final TenantConfig config;
    private final Clock clock;

    public DynamoDbQuotas(DynamoDbClient dynamoDb, String table, TenantConfig config, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void admit(Tenant tenant, long items) {
        if (items <= 0) {
            return;
        }
        TenantConfig.QuotaLimits limits = config.limitsOf(tenant);
        Instant now = clock.instant();
        admitRate(tenant, items, limits, now);
        admitDaily(tenant, items, limits, now);
    }

    private void admitRate(Tenant tenant, long items, TenantConfig.QuotaLimits limits, Instant now) {
        long nowMicros = now.getEpochSecond() * MICROS + now.getNano() / 1000;
        long cost = Math.max(1, Math.ceilDiv(items * MICROS, limits.itemsPerSecond()));
        long burst = limits.burstSeconds() * MICROS;
        long ttl = now.getEpochSecond() + Math.max(3600, (cost + burst) / MICROS * 2);
        Map<String, AttributeValue> key = key(tenant, TableSchema.RATE);
        Map<String, String> names = Map.of("#tat", TableSchema.TAT, "#ttl", TableSchema.TTL);
        // Idle (or new): the request starts a fresh window.
        Map<String, AttributeValue> old;
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(key)
                    .updateExpression("SET #tat = :next, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#tat) OR #tat <= :now")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(
                            Map.of(":next", n(nowMicros + cost), ":now", n(nowMicros), ":ttl", n(ttl)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return;
        } catch (ConditionalCheckFailedException e) {
            old = e.item();
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
        // Busy: admitted while TAT + cost stays within the burst allowance.
        long limit = nowMicros + burst - cost;
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(key)
                    .updateExpression("SET #tat = #tat + :cost, #ttl = :ttl")
                    .conditionExpression("#tat <= :limit")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":cost", n(cost), ":limit", n(limit), ":ttl", n(ttl)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return;
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && e.item().containsKey(TableSchema.TAT)) {
                old = e.item();
            }
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
        long tat = old != null && old.containsKey(TableSchema.TAT)
                ? Long.parseLong(old.get(TableSchema.TAT).n())
                : nowMicros + burst;
        // When the request fits the burst: wait until TAT + cost - burst; when it is larger: until idle.
        long waitMicros = cost > burst ? tat - nowMicros : tat + cost - burst - nowMicros;
        throw new QuotaExceededException(
                QuotaExceededException.RATE,
                Math.ceilDiv(Math.max(1, waitMicros), MICROS),
                "tenant '" + tenant + "' is over its rate of " + limits.itemsPerSecond() + " items/s (burst "
                        + limits.burstSeconds() + " s); retry after the time in Retry-After");
    }

    @Override
    public void count(Tenant tenant, long items) {
        if (items <= 0) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(key(tenant, TableSchema.dayKey(today)))
                    .updateExpression("ADD #count :k SET #ttl = :ttl")
                    .expressionAttributeNames(Map.of("#count", TableSchema.COUNT, "#ttl", TableSchema.TTL))
                    .expressionAttributeValues(Map.of(":k", n(items), ":ttl", n(dayTtl(today)))));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    @Override
    public void requireDailyRoom(Tenant tenant) {
        TenantConfig.QuotaLimits limits = config.limitsOf(tenant);
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<String, AttributeValue> row;
        try {
            row = dynamoDb.getItem(b -> b.tableName(table)
                            .key(key(tenant, TableSchema.dayKey(today)))
                            .consistentRead(true))
                    .item();
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
        AttributeValue used = row == null ? null : row.get(TableSchema.COUNT);
        if (used != null && Long.parseLong(used.n()) >= limits.dailyItems()) {
            throw new QuotaExceededException(
                    QuotaExceededException.DAILY, untilMidnight(now), dailyMessage(tenant, limits));
        }
    }

    private static long dayTtl(LocalDate day) {
        return day.plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().getEpochSecond();
    }

    private static long untilMidnight(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return Duration.between(
                                now,
                                today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
                        .toSeconds()
                + 1;
    }

    private static String dailyMessage(Tenant tenant, TenantConfig.QuotaLimits limits) {
        return "tenant '" + tenant + "' has used its " + limits.dailyItems()
                + " items for today (UTC); the count resets at midnight UTC";
    }

    private void admitDaily(Tenant tenant, long items, TenantConfig.QuotaLimits limits, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long retryAfter = untilMidnight(now);
        String message = dailyMessage(tenant, limits);
        if (items > limits.dailyItems()) {
            throw new QuotaExceededException(QuotaExceededException.DAILY, retryAfter, message);
        }
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(key(tenant, TableSchema.dayKey(today)))
                    .updateExpression("ADD #count :k SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#count) OR #count <= :max")
                    .expressionAttributeNames(Map.of("#count", TableSchema.COUNT, "#ttl", TableSchema.TTL))
                    .expressionAttributeValues(Map.of(
                            ":k", n(items),
                            ":max", n(limits.dailyItems() - items),
                            ":ttl", n(dayTtl(today)))));
        } catch (ConditionalCheckFailedException e) {
            throw new QuotaExceededException(QuotaExceededException.DAILY, retryAfter, message);
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    private static Map<String, AttributeValue> key(Tenant tenant, String sortKey) {
        return Map.of(
                TableSchema.PK,
                AttributeValue.fromS(TableSchema.quotaKey(tenant.name())),
                TableSchema.SK,
                AttributeValue.fromS(sortKey));
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
