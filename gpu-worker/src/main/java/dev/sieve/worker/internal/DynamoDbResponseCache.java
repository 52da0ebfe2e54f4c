package dev.sieve.worker.internal;

import dev.sieve.shared.result.TableSchema;
import dev.sieve.worker.ResponseCache;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The response cache in the stack's one table ({@link TableSchema#cacheKey}, sort key {@link
 * TableSchema#CACHE_ANSWER}): {@code BatchGetItem} of up to 100 keys; one {@code PutItem} per answer
 * with {@code ttl} (the worker may not {@code BatchWriteItem}: that action also deletes). Expiry is also
 * checked on read, because DynamoDB deletes expired items only eventually (and DynamoDB Local never).
 * Unprocessed keys are tried once more, then count as misses.
 */
public final class DynamoDbResponseCache implements ResponseCache {
    private static final int GET_LIMIT = 100;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration ttl;
    private final Clock clock;

    public DynamoDbResponseCache(DynamoDbClient dynamo, String table, Duration ttl, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Map<String, float[]> lookup(String bundleVersion, Collection<String> fingerprints) {
        Map<String, float[]> found = new HashMap<>();
        List<String> all = List.copyOf(fingerprints);
        long now = clock.instant().getEpochSecond();
        for (int from = 0; from < all.size(); from += GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String fingerprint : all.subList(from, Math.min(all.size(), from + GET_LIMIT))) {
                keys.add(key(bundleVersion, fingerprint));
            }
            Map<String, KeysAndAttributes> request =
                    Map.of(table, KeysAndAttributes.builder().keys(keys).build());
            for (int attempt = 0; attempt < 2 && !request.isEmpty(); attempt++) {
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(ask));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    AttributeValue expires = item.get(TableSchema.TTL);
                    if (expires != null && Long.parseLong(expires.n()) <= now) {
                        continue;
                    }
                    String pk = item.get(TableSchema.PK).s();
                    found.put(pk.substring(pk.lastIndexOf('#') + 1), probabilities(item));
                }
                request = response.unprocessedKeys();
            }
        }
        return found;
    }

    @Override
    public void store(String bundleVersion, Map<String, float[]> answers) {
        String expires = Long.toString(clock.instant().plus(ttl).getEpochSecond());
        answers.forEach((fingerprint, probabilities) -> {
            Map<String, AttributeValue> item = new HashMap<>(key(bundleVersion, fingerprint));
            List<AttributeValue> values = new ArrayList<>(probabilities.length);
            for (float p : probabilities) {
                values.add(AttributeValue.fromN(Float.toString(p)));
            }
            item.put(TableSchema.PROBABILITIES, AttributeValue.fromL(values));
            item.put(TableSchema.TTL, AttributeValue.fromN(expires));
            dynamo.putItem(b -> b.tableName(table).item(item));
        });
    }

    private static Map<String, AttributeValue> key(String bundleVersion, String fingerprint) {
        return Map.of(
                TableSchema.PK, AttributeValue.fromS(TableSchema.cacheKey(bundleVersion, fingerprint)),
                TableSchema.SK, AttributeValue.fromS(TableSchema.CACHE_ANSWER));
    }

    private static float[] probabilities(Map<String, AttributeValue> item) {
        List<AttributeValue> values = item.get(TableSchema.PROBABILITIES).l();
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(values.get(i).n());
        }
        return out;
    }
}
