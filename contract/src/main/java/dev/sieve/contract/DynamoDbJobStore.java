package dev.sieve.contract;

import static dev.sieve.contract.DynamoDbRequestStore.n;
import static dev.sieve.contract.DynamoDbRequestStore.num;
import static dev.sieve.contract.DynamoDbRequestStore.s;
import static dev.sieve.contract.DynamoDbRequestStore.str;

import dev.sieve.contract.internal.Conditions;
import dev.sieve.contract.internal.NewRows;
import dev.sieve.contract.internal.Transactions;
import dev.sieve.contract.internal.UnfinishedIndex;
import dev.sieve.shared.result.TableSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** {@link JobStore} on the DynamoDB table; conditions from {@link Conditions}. */
public final class DynamoDbJobStore implements JobStore {
    static final String LOST = TableSchema.LOST;
    static final String DUPLICATES = TableSchema.DUPLICATES;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbJobStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public String claimManifest(String manifestVersion, String jobId, long ttlEpochSeconds) {
        Map<String, AttributeValue> key = Map.of(
                TableSchema.PK, s(TableSchema.manifestKey(manifestVersion)), TableSchema.SK, s(TableSchema.META));
        Map<String, AttributeValue> row = new HashMap<>(key);
        row.put(TableSchema.JOB_ID, s(jobId));
        row.put(TableSchema.TTL, n(ttlEpochSeconds));
        if (NewRows.put(dynamoDb, table, row)) {
            return jobId;
        }
        // claimed before: read the owner (a strongly consistent read sees the winning put)
        try {
            GetItemResponse owner =
                    dynamoDb.getItem(b -> b.tableName(table).key(key).consistentRead(true));
            return str(owner.item(), TableSchema.JOB_ID, jobId);
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
    }

    @Override
    public boolean create(
            String jobId,
            String manifestUri,
            String manifestETag,
            ChunkLimits limits,
            long nowMs,
            long ttlEpochSeconds) {
        Map<String, AttributeValue> meta = new HashMap<>();
        meta.put(TableSchema.PK, s(TableSchema.jobKey(jobId)));
        meta.put(TableSchema.SK, s(TableSchema.META));
        meta.put(TableSchema.STATE, s(JobState.SCANNING.name()));
        meta.put(TableSchema.UNFINISHED, s(TableSchema.unfinishedShard(TableSchema.jobKey(jobId))));
        meta.put(TableSchema.MANIFEST, s(manifestUri));
        meta.put(TableSchema.MANIFEST_ETAG, s(manifestETag));
        meta.put(TableSchema.CHUNK_LINES, n(limits.lines()));
        meta.put(TableSchema.CHUNK_BYTES, n(limits.bytes()));
        meta.put(TableSchema.SCAN_OFFSET, n(0));
        meta.put(TableSchema.CHUNKS, n(0));
        meta.put(TableSchema.CHUNKS_DONE, n(0));
        meta.put(TableSchema.ITEMS, n(0));
        meta.put(TableSchema.CREATED_AT, n(nowMs));
        meta.put(TableSchema.TTL, n(ttlEpochSeconds));
        return NewRows.put(dynamoDb, table, meta);
    }

    @Override
    public Optional<Job> job(String jobId) {
        GetItemResponse response;
        try {
            response =
                    dynamoDb.getItem(b -> b.tableName(table).key(metaKey(jobId)).consistentRead(true));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        return Optional.of(new Job(
                jobId,
                JobState.valueOf(str(item, TableSchema.STATE, JobState.SCANNING.name())),
                str(item, TableSchema.MANIFEST, null),
                num(item, TableSchema.CHUNKS),
                num(item, TableSchema.CHUNKS_DONE),
                num(item, TableSchema.ITEMS),
                str(item, TableSchema.OUTPUT, null),
                item.containsKey(LOST) ? num(item, LOST) : null,
                item.containsKey(DUPLICATES) ? num(item, DUPLICATES) : null,
                str(item, TableSchema.ERROR, null),
                num(item, TableSchema.CREATED_AT),
                str(item, TableSchema.MANIFEST_ETAG, null),
                item.containsKey(TableSchema.CHUNK_LINES)
                        ? new ChunkLimits((int) num(item, TableSchema.CHUNK_LINES), num(item, TableSchema.CHUNK_BYTES))
                        : null,
                num(item, TableSchema.SCAN_OFFSET),
                num(item, TableSchema.LEASE_UNTIL)));
    }

    @Override
    public boolean recordScan(String jobId, long fromOffset, long toOffset, long chunks, long items) {
        return conditionalUpdate(
                jobId,
                "SET #offset = :to, #chunks = :chunks, #items = :items",
                Conditions.JOB_SCANNED_UP_TO,
                Map.of(
                        "#state", TableSchema.STATE,
                        "#offset", TableSchema.SCAN_OFFSET,
                        "#chunks", TableSchema.CHUNKS,
                        "#items", TableSchema.ITEMS),
                Map.of(
                        ":scanning", s(JobState.SCANNING.name()),
                        ":from", n(fromOffset),
                        ":to", n(toOffset),
                        ":chunks", n(chunks),
                        ":items", n(items)));
    }

    @Override
    public boolean startRunning(String jobId, long chunks, long items) {
        JobState next = chunks == 0 ? JobState.ASSEMBLING : JobState.RUNNING;
        return conditionalUpdate(
                jobId,
                "SET #state = :next, #chunks = :chunks, #items = :items",
                Conditions.JOB_SCANNING,
                Map.of("#state", TableSchema.STATE, "#chunks", TableSchema.CHUNKS, "#items", TableSchema.ITEMS),
                Map.of(
                        ":scanning", s(JobState.SCANNING.name()),
                        ":next", s(next.name()),
                        ":chunks", n(chunks),
                        ":items", n(items)));
    }

    @Override
    public ChunkCount countChunkDone(String jobId, int chunk, long ttlEpochSeconds) {
        String pk = TableSchema.jobKey(jobId);
        int counted = Transactions.writeOnce(
                dynamoDb,
                List.of(chunk),
                c -> TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(Map.of(
                                        TableSchema.PK, s(pk),
                                        TableSchema.SK, s(TableSchema.chunkKey(c)),
                                        TableSchema.TTL, n(ttlEpochSeconds)))
                                .conditionExpression(Conditions.NEW_ROW)
                                .expressionAttributeNames(Map.of("#sk", TableSchema.SK))
                                .build())
                        .build(),
                count -> TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(table)
                                .key(metaKey(jobId))
                                .updateExpression("ADD #done :n")
                                .expressionAttributeNames(Map.of("#done", TableSchema.CHUNKS_DONE))
                                .expressionAttributeValues(Map.of(":n", n(count)))
                                .build())
                        .build());
        return new ChunkCount(counted > 0, job(jobId));
    }

    @Override
    public boolean beginAssembly(String jobId, String assembler, long nowMs, long leaseUntilMs) {
        return conditionalUpdate(
                jobId,
                "SET #state = :assembling, #assembler = :assembler, #lease = :until",
                Conditions.JOB_ASSEMBLY_FREE,
                Map.of(
                        "#state", TableSchema.STATE,
                        "#done", TableSchema.CHUNKS_DONE,
                        "#chunks", TableSchema.CHUNKS,
                        "#assembler", TableSchema.ASSEMBLER,
                        "#lease", TableSchema.LEASE_UNTIL),
                Map.of(
                        ":running", s(JobState.RUNNING.name()),
                        ":assembling", s(JobState.ASSEMBLING.name()),
                        ":assembler", s(assembler),
                        ":now", n(nowMs),
                        ":until", n(leaseUntilMs)));
    }

    @Override
    public boolean complete(String jobId, String assembler, String outputUri, long lost, long duplicates, long nowMs) {
        Map<String, String> names = new HashMap<>();
        names.put("#state", TableSchema.STATE);
        names.put("#assembler", TableSchema.ASSEMBLER);
        names.put("#output", TableSchema.OUTPUT);
        names.put("#completed", TableSchema.COMPLETED_AT);
        names.put("#lost", LOST);
        names.put("#dups", DUPLICATES);
        names.put("#unfinished", TableSchema.UNFINISHED);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":assembling", s(JobState.ASSEMBLING.name()));
        values.put(":assembler", s(assembler));
        values.put(":complete", s(JobState.COMPLETE.name()));
        values.put(":output", s(outputUri));
        values.put(":now", n(nowMs));
        values.put(":lost", n(lost));
        values.put(":dups", n(duplicates));
        return conditionalUpdate(
                jobId,
                "SET #state = :complete, #output = :output, #completed = :now, #lost = :lost, #dups = :dups"
                        + " REMOVE #unfinished",
                Conditions.JOB_ASSEMBLED_BY,
                names,
                values);
    }

    @Override
    public boolean fail(String jobId, String reason, long nowMs) {
        return conditionalUpdate(
                jobId,
                "SET #state = :failed, #error = :error, #completed = :now REMOVE #unfinished",
                Conditions.JOB_UNFINISHED,
                Map.of(
                        "#unfinished",
                        TableSchema.UNFINISHED,
                        "#state",
                        TableSchema.STATE,
                        "#error",
                        TableSchema.ERROR,
                        "#completed",
                        TableSchema.COMPLETED_AT),
                Map.of(
                        ":complete", s(JobState.COMPLETE.name()),
                        ":failed", s(JobState.FAILED.name()),
                        ":error", s(reason),
                        ":now", n(nowMs)));
    }

    @Override
    public List<String> unfinishedCreatedBefore(long cutoffMs, int limit) {
        return UnfinishedIndex.ids(dynamoDb, table, TableSchema.JOB_PREFIX, cutoffMs, limit);
    }

    private boolean conditionalUpdate(
            String jobId,
            String update,
            String condition,
            Map<String, String> names,
            Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table)
                    .key(metaKey(jobId))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    private static Map<String, AttributeValue> metaKey(String jobId) {
        return Map.of(TableSchema.PK, s(TableSchema.jobKey(jobId)), TableSchema.SK, s(TableSchema.META));
    }
}
