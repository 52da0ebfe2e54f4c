package dev.sieve.gate.batch;

import dev.sieve.contract.AwsFailures;
import dev.sieve.contract.ChunkIndex;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.JobState;
import dev.sieve.contract.JobStore;
import dev.sieve.contract.PartFiles;
import dev.sieve.contract.PartLine;
import dev.sieve.contract.QueuePublisher;
import dev.sieve.contract.S3Location;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.JsonLog;
import dev.sieve.gate.service.GateProvider;
import dev.sieve.gate.service.InvalidRequestException;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.gate.service.NotFoundException;
import dev.sieve.gate.service.RoutingMonitor;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import dev.sieve.shared.tenant.Tenant;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
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
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final GateConfig config;
    private final GateProvider gate;
    private final AwsClients clients;
    private final CompletionEvents events;
    private final Clock clock;
    private final QueuePublisher publisher;
    private final JobStore jobs;

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
        this.publisher = new QueuePublisher(clients.sqs(), clients.s3(), config.bucketName());
        this.jobs = new DynamoDbJobStore(clients.dynamoDb(), config.tableName());
    }

    /**
     * {@code POST /v1/jobs}: starts {@code tenant}'s job for a manifest under its own prefix, {@code
     * jobs/in/<tenant>/} (another prefix is refused before the bucket is read, so the call reveals nothing
     * about other tenants' objects).
     */
    public JobView start(Tenant tenant, String manifestKey) {
        String prefix = BucketLayout.jobsIn(tenant);
        if (!manifestKey.startsWith(prefix) || manifestKey.endsWith("/")) {
            throw new InvalidRequestException(
                    "manifest",
                    "must be an object key under your tenant's prefix " + prefix + " (got '"
                            + manifestKey.replaceAll("[^\\x20-\\x7E]", "?") + "')");
        }
        return start(manifestKey);
    }

    /**
     * Starts the job for a manifest already in the bucket under {@code jobs/in/<tenant>/}, or returns the
     * existing job for the same object version (S3 events and retried POSTs are idempotent). The job id
     * is random; the manifest version names its job through {@link JobStore#claimManifest}.
     */
    public JobView start(String manifestKey) {
        Tenant tenant = BucketLayout.tenantOfManifest(manifestKey)
                .orElseThrow(() -> new InvalidRequestException(
                        "manifest",
                        "must be an object key under " + BucketLayout.JOBS_IN + "<tenant>/ (got '"
                                + manifestKey.replaceAll("[^\\x20-\\x7E]", "?") + "')"));
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
        String manifestUri = new S3Location(config.bucketName(), manifestKey).uri();
        String jobId = jobs.claimManifest(
                tenant.scope(manifestVersion(manifestKey, head.eTag())), tenant.scope(newJobId()), ttl());
        if (!jobs.create(jobId, manifestUri, clock.millis(), ttl())) {
            return view(jobId);
        }

        ChunkIndex index = scan(manifestKey, manifestUri, head.contentLength());
        putObject(ChunkIndex.key(jobId), Json.writeBytes(index), "application/json");
        jobs.startRunning(jobId, index.chunks().size(), index.lines());
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
        return view(jobId);
    }

    /**
     * Progress of one of {@code tenant}'s jobs (another tenant's id answers exactly as an unknown one); a
     * job whose chunks are all done but not yet assembled gets an ASSEMBLE task.
     */
    public JobView status(Tenant tenant, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new NotFoundException(
                    "no job with id '" + (jobId == null ? "" : jobId.replaceAll("[^\\x20-\\x7E]", "?")) + "'");
        }
        return view(tenant.scope(jobId));
    }

    /** The view of a job by its tenant-scoped id. */
    private JobView view(String scopedJobId) {
        String jobId = scopedJobId;
        String publicId = Tenant.unscoped(scopedJobId);
        JobStore.Job job = jobs.job(jobId)
                .orElseThrow(() -> new NotFoundException("no job with id '" + publicId
                        + "' (unknown, or older than the " + config.resultsTtlDays() + "-day retention)"));
        if (job.state() == JobState.RUNNING && job.readyToAssemble()) {
            requestAssembly(jobId);
        }
        return new JobView(
                publicId,
                job.state().name().toLowerCase(Locale.ROOT),
                job.manifestUri(),
                job.chunks(),
                job.chunksDone(),
                job.items(),
                job.outputUri(),
                job.lost(),
                config.apiBaseUrl() + "/v1/jobs/" + publicId);
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
        JobStore.Job job = jobs.job(task.jobId()).orElse(null);
        if (job == null) {
            JsonLog.warn("chunk task for an unknown job", Map.of("job_id", task.jobId(), "chunk", task.chunk()));
            return;
        }
        String manifestKey = S3Location.parse(job.manifestUri()).key();
        LoadedGate current = gate.current();
        List<String> lines = readLines(manifestKey, task.startByte(), task.endByte());
        List<PartLine> gatePart = new ArrayList<>();
        List<QueueItem> escalated = new ArrayList<>();
        RoutingMonitor.Tally tally = routing.tally(current);
        for (int i = 0; i < lines.size(); i++) {
            long lineNumber = task.firstLine() + i;
            ManifestLine parsed = ManifestLine.parse(lines.get(i), lineNumber);
            if (parsed.error() != null) {
                gatePart.add(new PartLine(
                        lineNumber, new ItemResult(parsed.id(), null, 0, Tier.GATE, null, null, parsed.error())));
                continue;
            }
            LoadedGate.Verdict verdict = current.judge(parsed.text());
            tally.add(verdict);
            if (verdict.confident()) {
                gatePart.add(
                        new PartLine(lineNumber, ItemResult.gate(parsed.id(), verdict.label(), verdict.confidence())));
            } else {
                escalated.add(new QueueItem(parsed.id(), parsed.text(), verdict.probabilities(), lineNumber));
            }
        }
        if (!gatePart.isEmpty()) {
            putObject(
                    PartFiles.key(task.jobId(), PartFiles.Source.GATE, task.chunk()),
                    PartFiles.encode(gatePart),
                    "application/x-ndjson");
        }
        routing.record(tally);
        if (escalated.isEmpty()) {
            markChunkDone(task.jobId(), task.chunk());
            return;
        }
        long now = clock.millis();
        publisher.publishChunk(
                config.batchQueueUrl(),
                task.jobId(),
                task.chunk(),
                now + BATCH_DEADLINE_MS,
                current.bundleVersion(),
                now,
                escalated);
    }

    /** Counts a chunk done exactly once and asks for assembly when it was the last. */
    void markChunkDone(String jobId, int chunk) {
        JobStore.ChunkCount count = jobs.countChunkDone(jobId, chunk, ttl());
        if (count.job().map(JobStore.Job::readyToAssemble).orElse(false)) {
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
        publisher.sendTasks(config.jobsQueueUrl(), tasks);
    }

    // ---- assembly ----

    private void assemble(String jobId) {
        if (!jobs.beginAssembly(jobId)) {
            return; // unknown, premature (the last chunk's owner asks again), complete or failed
        }
        String manifestUri = jobs.job(jobId).orElseThrow().manifestUri();
        ChunkIndex index = Json.read(getBytes(ChunkIndex.key(jobId)), ChunkIndex.class);
        String outputKey = BucketLayout.outputFor(S3Location.parse(manifestUri).key());
        long lost = 0;
        long duplicates = 0;
        Path tmp = null;
        try {
            tmp = Files.createTempFile("sieve-job-" + Tenant.unscoped(jobId), ".out");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (ChunkIndex.Chunk chunk : index.chunks()) {
                    Map<Long, ItemResult> results = new HashMap<>();
                    duplicates += readPart(PartFiles.key(jobId, PartFiles.Source.GATE, chunk.index()), results);
                    duplicates += readPart(PartFiles.key(jobId, PartFiles.Source.EXPERT, chunk.index()), results);
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
        String outputUri = new S3Location(config.bucketName(), outputKey).uri();
        if (!jobs.complete(jobId, outputUri, lost, duplicates, clock.millis())) {
            return; // another assembler finished first and owns the event
        }
        events.jobCompleted(new CompletionEvents.JobCompleted(
                Tenant.ofScoped(jobId).name(),
                Tenant.unscoped(jobId),
                manifestUri,
                outputUri,
                index.lines(),
                lost,
                duplicates));
    }

    /** Reads one part file into {@code results}; returns how many lines repeated a line already there. */
    private int readPart(String key, Map<Long, ItemResult> results) {
        int[] repeated = {0};
        try (ResponseInputStream<GetObjectResponse> in =
                clients.s3().getObject(b -> b.bucket(config.bucketName()).key(key))) {
            PartFiles.decode(in, line -> {
                if (results.putIfAbsent(line.line(), line.result()) != null) {
                    repeated[0]++;
                }
            });
        } catch (NoSuchKeyException e) {
            return 0;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return 0;
            }
            throw AwsFailures.classify("S3 GetObject", e);
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 GetObject", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read part file " + key, e);
        }
        return repeated[0];
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

    /** A manifest version's name: a hash of its key and ETag (the idempotency key, never shown). */
    static String manifestVersion(String key, String eTag) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest((key + "\n" + eTag).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** 96 random bits: a job id says nothing about its manifest. */
    static String newJobId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private long ttl() {
        return clock.instant().plus(Duration.ofDays(config.resultsTtlDays())).getEpochSecond();
    }
}
