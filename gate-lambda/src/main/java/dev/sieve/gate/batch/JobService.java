package dev.sieve.gate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.JsonLog;
import dev.sieve.gate.service.AwsFailures;
import dev.sieve.gate.service.GateProvider;
import dev.sieve.gate.service.InvalidRequestException;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.gate.service.NotFoundException;
import dev.sieve.gate.service.QueuePacker;
import dev.sieve.gate.service.QueueSender;
import dev.sieve.gate.service.RoutingMonitor;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.PartLine;
import dev.sieve.shared.result.TableSchema;
import dev.sieve.shared.result.Tier;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Batch-transform jobs. A manifest under {@code jobs/in/} (JSON Lines of {@code {"id":..,"text":..}})
 * becomes a job: {@link #start} splits it into byte-range chunks of {@code SIEVE_BATCH_CHUNK_ITEMS}
 * lines and enqueues one CHUNK task per chunk on the jobs queue; {@link #handle} gates one chunk per
 * task (gate part file; uncertain items to the batch queue as one JOB_CHUNK message), and assembles
 * the output when every chunk is done. No invocation ever gates a whole manifest.
 */
public final class JobService {
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{24}");
    private static final long BATCH_DEADLINE_MS = Duration.ofHours(24).toMillis();

    /** Values of a job's {@code state} attribute. */
    public enum JobState {
        SCANNING,
        RUNNING,
        ASSEMBLING,
        COMPLETE
    }

    private final GateConfig config;
    private final GateProvider gate;
    private final AwsClients clients;
    private final CompletionEvents events;
    private final Clock clock;
    private final QueueSender sender;
    private final QueuePacker packer = new QueuePacker();

    private final RoutingMonitor routing;

    public JobService(
            GateConfig config,
            GateProvider gate,
            AwsClients clients,
            CompletionEvents events,
            RoutingMonitor routing,
            Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sender = new QueueSender(clients.sqs());
    }

    /**
     * Starts the job for a manifest already in the bucket, or returns the existing job for the same
     * object version (S3 events and retried POSTs are idempotent).
     */
    public JobView start(String manifestKey) {
        if (!manifestKey.startsWith(BucketLayout.JOBS_IN) || manifestKey.endsWith("/")) {
            throw new InvalidRequestException(
                    "manifest", "must be an object key under " + BucketLayout.JOBS_IN + " (got '" + manifestKey + "')");
        }
        HeadObjectResponse head;
        try {
            head = clients.s3().headObject(b -> b.bucket(config.bucketName()).key(manifestKey));
        } catch (NoSuchKeyException e) {
            throw new InvalidRequestException(
                    "manifest",
                    "must name an existing object; s3://" + config.bucketName() + "/" + manifestKey
                            + " does not exist");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new InvalidRequestException(
                        "manifest",
                        "must name an existing object; s3://" + config.bucketName() + "/" + manifestKey
                                + " does not exist");
            }
            throw AwsFailures.classify("S3 HeadObject", e);
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 HeadObject", e);
        }
        String jobId = jobId(manifestKey, head.eTag());
        String manifestUri = "s3://" + config.bucketName() + "/" + manifestKey;
        Map<String, AttributeValue> meta = new HashMap<>();
        meta.put(TableSchema.PK, s(TableSchema.jobKey(jobId)));
        meta.put(TableSchema.SK, s(TableSchema.META));
        meta.put(TableSchema.STATE, s(JobState.SCANNING.name()));
        meta.put(TableSchema.MANIFEST, s(manifestUri));
        meta.put(TableSchema.CHUNKS, n(0));
        meta.put(TableSchema.CHUNKS_DONE, n(0));
        meta.put(TableSchema.ITEMS, n(0));
        meta.put(TableSchema.CREATED_AT, n(clock.millis()));
        meta.put(
                TableSchema.TTL,
                n(clock.instant().plus(Duration.ofDays(config.resultsTtlDays())).getEpochSecond()));
        try {
            clients.dynamoDb().putItem(b -> b.tableName(config.tableName())
                    .item(meta)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", TableSchema.PK)));
        } catch (ConditionalCheckFailedException e) {
            return status(jobId);
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB PutItem", e);
        }

        ChunkIndex index = scan(manifestKey, manifestUri, head.contentLength());
        putObject(ChunkIndex.key(jobId), Json.writeBytes(index), "application/json");
        JobState next = index.chunks().isEmpty() ? JobState.ASSEMBLING : JobState.RUNNING;
        update(
                jobId,
                "SET #state = :state, #chunks = :chunks, #items = :items",
                Map.of("#state", TableSchema.STATE, "#chunks", TableSchema.CHUNKS, "#items", TableSchema.ITEMS),
                Map.of(
                        ":state", s(next.name()),
                        ":chunks", n(index.chunks().size()),
                        ":items", n(index.lines())));
        List<JobTask> tasks = new ArrayList<>();
        for (ChunkIndex.Chunk chunk : index.chunks()) {
            tasks.add(JobTask.chunk(jobId, chunk.index(), chunk.startByte(), chunk.endByte(), chunk.firstLine()));
        }
        if (tasks.isEmpty()) {
            tasks.add(JobTask.assemble(jobId));
        }
        dispatch(tasks);
        JsonLog.info(
                "job started",
                Map.of(
                        "job_id",
                        jobId,
                        "manifest",
                        manifestUri,
                        "items",
                        index.lines(),
                        "chunks",
                        index.chunks().size()));
        return status(jobId);
    }

    /** Progress of a job; a job whose chunks are all done but not yet assembled gets an ASSEMBLE task. */
    public JobView status(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new NotFoundException(
                    "no job with id '" + (jobId == null ? "" : jobId.replaceAll("[^\\x20-\\x7E]", "?")) + "'");
        }
        Map<String, AttributeValue> meta = meta(jobId);
        if (meta == null) {
            throw new NotFoundException("no job with id '" + jobId + "' (unknown, or older than the "
                    + config.resultsTtlDays() + "-day retention)");
        }
        JobState state = JobState.valueOf(str(meta, TableSchema.STATE));
        long chunks = num(meta, TableSchema.CHUNKS);
        long done = num(meta, TableSchema.CHUNKS_DONE);
        if (state == JobState.RUNNING && done >= chunks) {
            requestAssembly(jobId);
        }
        AttributeValue lost = meta.get("lost");
        return new JobView(
                jobId,
                state.name().toLowerCase(Locale.ROOT),
                str(meta, TableSchema.MANIFEST),
                chunks,
                done,
                num(meta, TableSchema.ITEMS),
                meta.containsKey(TableSchema.OUTPUT) ? str(meta, TableSchema.OUTPUT) : null,
                lost == null ? null : Long.parseLong(lost.n()),
                config.apiBaseUrl() + "/v1/jobs/" + jobId);
    }

    /** Runs one task from the jobs queue. Safe to run twice. */
    public void handle(JobTask task) {
        switch (task.kind()) {
            case CHUNK -> processChunk(task);
            case ASSEMBLE -> assemble(task.jobId());
        }
    }

    // ---- chunks ----

    private void processChunk(JobTask task) {
        Map<String, AttributeValue> meta = meta(task.jobId());
        if (meta == null) {
            JsonLog.warn("chunk task for an unknown job", Map.of("job_id", task.jobId(), "chunk", task.chunk()));
            return;
        }
        String manifestKey = keyOf(str(meta, TableSchema.MANIFEST));
        LoadedGate current = gate.current();
        List<String> lines = readLines(manifestKey, task.startByte(), task.endByte());
        ByteArrayOutputStream gatePart = new ByteArrayOutputStream();
        List<QueueItem> escalated = new ArrayList<>();
        RoutingMonitor.Tally tally = routing.tally(current);
        for (int i = 0; i < lines.size(); i++) {
            long lineNumber = task.firstLine() + i;
            ManifestLine parsed = ManifestLine.parse(lines.get(i), lineNumber);
            if (parsed.error() != null) {
                writePartLine(
                        gatePart,
                        new PartLine(
                                lineNumber,
                                new ItemResult(parsed.id(), null, 0, Tier.GATE, null, null, parsed.error())));
                continue;
            }
            LoadedGate.Verdict verdict = current.judge(parsed.text());
            tally.add(verdict);
            if (verdict.confident()) {
                writePartLine(
                        gatePart,
                        new PartLine(lineNumber, ItemResult.gate(parsed.id(), verdict.label(), verdict.confidence())));
            } else {
                escalated.add(new QueueItem(parsed.id(), parsed.text(), verdict.probabilities(), lineNumber));
            }
        }
        if (gatePart.size() > 0) {
            putObject(
                    BucketLayout.part(task.jobId(), "gate", task.chunk()),
                    gatePart.toByteArray(),
                    "application/x-ndjson");
        }
        routing.record(tally);
        if (escalated.isEmpty()) {
            markChunkDone(task.jobId(), task.chunk());
            return;
        }
        long now = clock.millis();
        QueuePacker.Packing packing = packer.pack(escalated);
        QueueMessage message;
        if (packing.oversized().isEmpty() && packing.inlineGroups().size() == 1) {
            message = QueueMessage.inline(
                    QueueMessage.Kind.JOB_CHUNK,
                    task.jobId(),
                    task.chunk(),
                    Priority.BATCH,
                    now + BATCH_DEADLINE_MS,
                    current.bundleVersion(),
                    now,
                    escalated);
        } else {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            for (QueueItem item : escalated) {
                payload.writeBytes(Json.writeBytes(item));
                payload.write('\n');
            }
            String key = BucketLayout.payload(task.jobId(), task.chunk());
            putObject(key, payload.toByteArray(), "application/x-ndjson");
            message = new QueueMessage(
                    QueueMessage.SCHEMA,
                    QueueMessage.Kind.JOB_CHUNK,
                    task.jobId(),
                    task.chunk(),
                    Priority.BATCH,
                    now + BATCH_DEADLINE_MS,
                    current.bundleVersion(),
                    now,
                    null,
                    "s3://" + config.bucketName() + "/" + key);
        }
        sender.send(config.batchQueueUrl(), List.of(message));
    }

    /** Counts a chunk done exactly once (CHUNK marker + counter in one transaction). */
    void markChunkDone(String jobId, int chunk) {
        Map<String, AttributeValue> marker = Map.of(
                TableSchema.PK, s(TableSchema.jobKey(jobId)),
                TableSchema.SK, s(TableSchema.chunkKey(chunk)),
                TableSchema.TTL,
                        n(clock.instant()
                                .plus(Duration.ofDays(config.resultsTtlDays()))
                                .getEpochSecond()));
        try {
            clients.dynamoDb()
                    .transactWriteItems(b -> b.transactItems(
                            t -> t.put(p -> p.tableName(config.tableName())
                                    .item(marker)
                                    .conditionExpression("attribute_not_exists(#sk)")
                                    .expressionAttributeNames(Map.of("#sk", TableSchema.SK))),
                            t -> t.update(u -> u.tableName(config.tableName())
                                    .key(metaKey(jobId))
                                    .updateExpression("ADD #done :one")
                                    .expressionAttributeNames(Map.of("#done", TableSchema.CHUNKS_DONE))
                                    .expressionAttributeValues(Map.of(":one", n(1))))));
        } catch (TransactionCanceledException e) {
            // the marker exists: this chunk was counted by an earlier delivery
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB TransactWriteItems", e);
        }
        Map<String, AttributeValue> meta = meta(jobId);
        if (meta != null
                && JobState.valueOf(str(meta, TableSchema.STATE)) == JobState.RUNNING
                && num(meta, TableSchema.CHUNKS_DONE) >= num(meta, TableSchema.CHUNKS)) {
            requestAssembly(jobId);
        }
    }

    private void requestAssembly(String jobId) {
        dispatch(List.of(JobTask.assemble(jobId)));
    }

    /** Enqueues tasks on the jobs queue, or (no queue configured) runs them here and now. */
    private void dispatch(List<JobTask> tasks) {
        if (config.jobsQueueUrl().isEmpty()) {
            tasks.forEach(this::handle);
            return;
        }
        sender.sendRaw(config.jobsQueueUrl(), tasks.stream().map(Json::write).toList());
    }

    // ---- assembly ----

    private void assemble(String jobId) {
        Map<String, AttributeValue> meta = meta(jobId);
        if (meta == null) {
            return;
        }
        JobState state = JobState.valueOf(str(meta, TableSchema.STATE));
        if (state == JobState.COMPLETE || state == JobState.SCANNING) {
            return;
        }
        if (num(meta, TableSchema.CHUNKS_DONE) < num(meta, TableSchema.CHUNKS)) {
            return; // premature: the last chunk's owner asks again
        }
        update(
                jobId,
                "SET #state = :assembling",
                Map.of("#state", TableSchema.STATE),
                Map.of(":assembling", s(JobState.ASSEMBLING.name())));
        String manifestUri = str(meta, TableSchema.MANIFEST);
        ChunkIndex index = Json.read(getBytes(ChunkIndex.key(jobId)), ChunkIndex.class);
        String outputKey = BucketLayout.outputFor(keyOf(manifestUri));
        long lost = 0;
        long duplicates = 0;
        Path tmp = null;
        try {
            tmp = Files.createTempFile("sieve-job-" + jobId, ".out");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (ChunkIndex.Chunk chunk : index.chunks()) {
                    Map<Long, ItemResult> results = new HashMap<>();
                    duplicates += readPart(BucketLayout.part(jobId, "gate", chunk.index()), results);
                    duplicates += readPart(BucketLayout.part(jobId, "expert", chunk.index()), results);
                    for (long line = chunk.firstLine(); line < chunk.firstLine() + chunk.lines(); line++) {
                        ItemResult result = results.get(line);
                        OutputLine output;
                        if (result == null) {
                            lost++;
                            output = new OutputLine(line, Long.toString(line), null, null, null, "no result");
                        } else {
                            output = new OutputLine(
                                    line,
                                    result.id(),
                                    result.error() == null ? result.label() : null,
                                    result.error() == null ? result.confidence() : null,
                                    result.tier().name().toLowerCase(Locale.ROOT),
                                    result.error());
                        }
                        out.write(Json.write(output));
                        out.write('\n');
                    }
                }
            }
            try {
                clients.s3()
                        .putObject(
                                b -> b.bucket(config.bucketName())
                                        .key(outputKey)
                                        .contentType("application/x-ndjson"),
                                RequestBody.fromFile(tmp));
            } catch (SdkException e) {
                throw AwsFailures.classify("S3 PutObject", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot assemble job " + jobId, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: /tmp is per sandbox
                }
            }
        }
        String outputUri = "s3://" + config.bucketName() + "/" + outputKey;
        try {
            long lostFinal = lost;
            long duplicatesFinal = duplicates;
            clients.dynamoDb().updateItem(b -> b.tableName(config.tableName())
                    .key(metaKey(jobId))
                    .conditionExpression("#state <> :complete")
                    .updateExpression("SET #state = :complete, #output = :output, #completed = :now, lost = :lost,"
                            + " duplicates = :dups")
                    .expressionAttributeNames(Map.of(
                            "#state", TableSchema.STATE,
                            "#output", TableSchema.OUTPUT,
                            "#completed", TableSchema.COMPLETED_AT))
                    .expressionAttributeValues(Map.of(
                            ":complete", s(JobState.COMPLETE.name()),
                            ":output", s(outputUri),
                            ":now", n(clock.millis()),
                            ":lost", n(lostFinal),
                            ":dups", n(duplicatesFinal))));
        } catch (ConditionalCheckFailedException e) {
            return; // another assembler finished first and owns the event
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
        events.jobCompleted(
                new CompletionEvents.JobCompleted(jobId, manifestUri, outputUri, index.lines(), lost, duplicates));
    }

    /** Reads one part file into {@code results}; returns how many lines repeated a line already there. */
    private int readPart(String key, Map<Long, ItemResult> results) {
        int repeated = 0;
        try (ResponseInputStream<GetObjectResponse> in = clients.s3()
                        .getObject(b -> b.bucket(config.bucketName()).key(key));
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.mapper().readTree(line);
                long lineNumber = node.path("line").asLong(-1);
                JsonNode resultNode = node.has("result") ? node.get("result") : node;
                ItemResult result = Json.mapper().treeToValue(resultNode, ItemResult.class);
                if (results.putIfAbsent(lineNumber, result) != null) {
                    repeated++;
                }
            }
        } catch (NoSuchKeyException e) {
            return 0;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return 0;
            }
            throw AwsFailures.classify("S3 GetObject", e);
        } catch (IOException e) {
            throw new UncheckedIOException("part file " + key + " is not valid JSON Lines", e);
        }
        return repeated;
    }

    // ---- manifest scanning ----

    /** Streams the manifest once, counting lines and noting the byte offset of every chunk. */
    private ChunkIndex scan(String manifestKey, String manifestUri, long size) {
        List<ChunkIndex.Chunk> chunks = new ArrayList<>();
        int perChunk = config.batchChunkItems();
        long lines = 0;
        long chunkStart = 0;
        long chunkFirstLine = 0;
        long position = 0;
        boolean lineOpen = false;
        try (InputStream in = new BufferedInputStream(
                clients.s3().getObject(b -> b.bucket(config.bucketName()).key(manifestKey)), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    position++;
                    if (buffer[i] == '\n') {
                        lines++;
                        lineOpen = false;
                        if (lines - chunkFirstLine == perChunk) {
                            chunks.add(new ChunkIndex.Chunk(
                                    chunks.size(), chunkStart, position, chunkFirstLine, perChunk));
                            chunkStart = position;
                            chunkFirstLine = lines;
                        }
                    } else {
                        lineOpen = true;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + manifestUri, e);
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 GetObject", e);
        }
        if (lineOpen) {
            lines++;
        }
        if (lines > chunkFirstLine) {
            chunks.add(
                    new ChunkIndex.Chunk(chunks.size(), chunkStart, position, chunkFirstLine, lines - chunkFirstLine));
        }
        return new ChunkIndex(manifestUri, lines, chunks);
    }

    private List<String> readLines(String key, long start, long end) {
        if (end <= start) {
            return List.of();
        }
        byte[] bytes;
        try {
            bytes = clients.s3()
                    .getObjectAsBytes(
                            b -> b.bucket(config.bucketName()).key(key).range("bytes=" + start + "-" + (end - 1)))
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 GetObject", e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int newline = text.indexOf('\n', from);
            int to = newline < 0 ? text.length() : newline;
            String line = text.substring(from, to);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            from = to + 1;
        }
        return lines;
    }

    // ---- helpers ----

    private void writePartLine(ByteArrayOutputStream out, PartLine line) {
        out.writeBytes(Json.writeBytes(line));
        out.write('\n');
    }

    private void putObject(String key, byte[] bytes, String contentType) {
        try {
            clients.s3()
                    .putObject(
                            b -> b.bucket(config.bucketName()).key(key).contentType(contentType),
                            RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 PutObject", e);
        }
    }

    private byte[] getBytes(String key) {
        try {
            return clients.s3()
                    .getObjectAsBytes(b -> b.bucket(config.bucketName()).key(key))
                    .asByteArray();
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 GetObject", e);
        }
    }

    private Map<String, AttributeValue> meta(String jobId) {
        GetItemResponse response;
        try {
            response = clients.dynamoDb()
                    .getItem(b ->
                            b.tableName(config.tableName()).key(metaKey(jobId)).consistentRead(true));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB GetItem", e);
        }
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    private void update(
            String jobId, String expression, Map<String, String> names, Map<String, AttributeValue> values) {
        try {
            clients.dynamoDb().updateItem(b -> b.tableName(config.tableName())
                    .key(metaKey(jobId))
                    .updateExpression(expression)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (SdkException e) {
            throw AwsFailures.classify("DynamoDB UpdateItem", e);
        }
    }

    private String keyOf(String uri) {
        String prefix = "s3://" + config.bucketName() + "/";
        return uri.startsWith(prefix) ? uri.substring(prefix.length()) : uri;
    }

    static String jobId(String key, String eTag) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest((key + "\n" + eTag).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static Map<String, AttributeValue> metaKey(String jobId) {
        return Map.of(TableSchema.PK, s(TableSchema.jobKey(jobId)), TableSchema.SK, s(TableSchema.META));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
