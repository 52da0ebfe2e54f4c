package dev.sieve.gate.batch;

import dev.sieve.contract.AwsFailures;
import dev.sieve.contract.ChunkIndex;
import dev.sieve.contract.ChunkLimits;
import dev.sieve.contract.DynamoDbJobStore;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.JobState;
import dev.sieve.contract.JobStore;
import dev.sieve.contract.PartFiles;
import dev.sieve.contract.PartLine;
import dev.sieve.contract.QueuePublisher;
import dev.sieve.contract.RequestStore;
import dev.sieve.contract.S3Location;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.JsonLog;
import dev.sieve.gate.service.GateProvider;
import dev.sieve.gate.service.IdempotencyKey;
import dev.sieve.gate.service.InvalidRequestException;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.gate.service.NotFoundException;
import dev.sieve.gate.service.RoutingMonitor;
import dev.sieve.gate.tenant.Quotas;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import dev.sieve.shared.tenant.Tenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import java.util.Optional;
import java.util.UUID;
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
 * becomes a job whose every step can be interrupted and redone:
 *
 * <ul>
 *   <li>{@link #start} only creates the job (idempotent: the job id is the manifest's key and ETag) and
 *       sends a SCAN task; a retry of a job still SCANNING sends another, and the scan continues where it
 *       stopped. No API call reads the manifest.
 *   <li>A SCAN task cuts the next {@value #SCAN_STEP_CHUNKS} chunks (at most {@code SIEVE_BATCH_CHUNK_ITEMS}
 *       lines and {@code SIEVE_BATCH_CHUNK_BYTES} bytes each) from the offset the table holds, writes their
 *       index segment, sends their CHUNK tasks, and only then moves the offset on: a crash anywhere re-cuts
 *       and re-sends the same chunks, which are counted once by their markers.
 *   <li>A CHUNK task gates one chunk (gate part file; uncertain items to the batch queue as one JOB_CHUNK
 *       message). Every read of the manifest is pinned to its ETag: an overwrite fails the job with a reason.
 *   <li>An ASSEMBLE task, once every chunk is counted, streams the part files into a multipart upload of
 *       the output under a lease: one assembler at a time, and only the lease holder completes the job.
 * </ul>
 */
public final class JobService {
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{24}");
    private static final long BATCH_DEADLINE_MS = Duration.ofHours(24).toMillis();
    /** Chunks cut per SCAN task: bounds one invocation's work (at most 100 chunks' bytes are read). */
    static final int SCAN_STEP_CHUNKS = 100;
    /** How long an assembler holds a job: the batch-job Lambda's timeout (a crashed one is replaced after). */
    static final Duration ASSEMBLY_LEASE = Duration.ofMinutes(15);
    /** First part size of an output upload. */
    private static final int OUTPUT_PART_BYTES = 8 * 1024 * 1024;

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final GateConfig config;
    private final GateProvider gate;
    private final AwsClients clients;
    private final CompletionEvents events;
    private final Clock clock;
    private final QueuePublisher publisher;
    private final JobStore jobs;
    /** Idempotency-Key claims, the same rows as {@code POST /v1/classify}'s. */
    private final RequestStore claims;

    private final RoutingMonitor routing;
    private final Quotas quotas;

    public JobService(
            GateConfig config,
            GateProvider gate,
            AwsClients clients,
            CompletionEvents events,
            RoutingMonitor routing,
            Quotas quotas,
            Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publisher = new QueuePublisher(clients.sqs(), clients.s3(), config.bucketName());
        this.jobs = new DynamoDbJobStore(clients.dynamoDb(), config.tableName());
        this.claims =
                new DynamoDbRequestStore(clients.dynamoDb(), clients.s3(), config.tableName(), config.bucketName());
    }

    /**
     * {@code POST /v1/jobs}: starts {@code tenant}'s job for a manifest under its own prefix, {@code
     * jobs/in/<tenant>/} (another prefix is refused before the bucket is read, so the call reveals nothing
     * about other tenants' objects).
     */
    public JobView start(Tenant tenant, String manifestKey) {
        return start(tenant, manifestKey, Optional.empty(), new byte[0]).view();
    }

    /** A started job, and whether it is an Idempotency-Key replay of an earlier call's. */
    public record Started(JobView view, boolean replayed) {}

    /**
     * {@code POST /v1/jobs} with an optional {@code Idempotency-Key} (claimed per tenant as for {@code POST
     * /v1/classify}): a retry with the same key and body answers the job the first call started even when
     * the manifest was overwritten since (the manifest version alone would start another job), and the
     * same key with another body is refused (422).
     */
    public Started start(Tenant tenant, String manifestKey, Optional<IdempotencyKey> key, byte[] body) {
        String candidate = tenant.scope(newJobId());
        if (key.isPresent()) {
            Optional<String> earlier = key.get().claim(claims, tenant, candidate, body, ttl(), "job");
            if (earlier.isPresent()) {
                if (jobs.job(earlier.get()).isPresent()) {
                    return new Started(view(earlier.get()), true);
                }
                // The first call claimed the key and stopped before its job existed: start it now.
                candidate = earlier.get();
            }
        }
        return new Started(startChecked(tenant, manifestKey, candidate), false);
    }

    private JobView startChecked(Tenant tenant, String manifestKey, String candidateJobId) {
        String prefix = BucketLayout.jobsIn(tenant);
        if (!manifestKey.startsWith(prefix) || manifestKey.endsWith("/")) {
            throw new InvalidRequestException(
                    "manifest",
                    "must be an object key under your tenant's prefix " + prefix + " (got '"
                            + manifestKey.replaceAll("[^\\x20-\\x7E]", "?") + "')");
        }
        quotas.requireDailyRoom(tenant); // 429 when the day is used up; the job's lines count as scanned
        return start(manifestKey, candidateJobId);
    }

    /**
     * Starts the job for a manifest already in the bucket under {@code jobs/in/<tenant>/}, or returns the
     * existing job for the same object version (S3 events and retried POSTs are idempotent): the job id is
     * random and the manifest version names its job through {@link JobStore#claimManifest}. A job still
     * SCANNING gets another SCAN task, so a retry resumes a job whose scan stopped. The manifest is read
     * later, by the SCAN tasks.
     */
    public JobView start(String manifestKey) {
        return start(manifestKey, null);
    }

    /** @param candidateJobId the tenant-scoped id a new job gets (null: a fresh one) */
    private JobView start(String manifestKey, String candidateJobId) {
        Tenant tenant = BucketLayout.tenantOfManifest(manifestKey)
                .orElseThrow(() -> new InvalidRequestException(
                        "manifest",
                        "must be an object key under " + BucketLayout.JOBS_IN + "<tenant>/ (got '"
                                + manifestKey.replaceAll("[^\\x20-\\x7E]", "?") + "')"));
        HeadObjectResponse head = headManifest(manifestKey, null)
                .orElseThrow(() -> new InvalidRequestException(
                        "manifest",
                        "must name an existing object; s3://" + config.bucketName() + "/" + manifestKey
                                + " does not exist"));
        String manifestUri = new S3Location(config.bucketName(), manifestKey).uri();
        String jobId = jobs.claimManifest(
                tenant.scope(manifestVersion(manifestKey, head.eTag())),
                candidateJobId != null ? candidateJobId : tenant.scope(newJobId()),
                ttl());
        boolean created = jobs.create(jobId, manifestUri, head.eTag(), config.chunkLimits(), clock.millis(), ttl());
        JobStore.Job job = jobs.job(jobId).orElseThrow();
        if (job.state() == JobState.SCANNING) {
            JsonLog.info(
                    created ? "job created" : "job still scanning: scan re-sent",
                    Map.of("job_id", jobId, "manifest", manifestUri, "scanned_bytes", job.scanOffset()));
            dispatch(List.of(JobTask.scan(jobId)));
        }
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
        if (job.awaitsAssembler(clock.millis())) {
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
                job.error(),
                config.apiBaseUrl() + "/v1/jobs/" + publicId);
    }

    /** Runs one task from the jobs queue once (a delivery of its own). Safe to run twice. */
    public void handle(JobTask task) {
        handle(task, UUID.randomUUID().toString());
    }

    /**
     * Runs one delivery of a task from the jobs queue. Safe to run twice.
     *
     * @param deliveryId the same for every attempt at one queue message (its SQS message id): an ASSEMBLE
     *     attempt that failed after it took the job's assembly lease holds that lease under this id, and
     *     the retry or redelivery re-enters it instead of finding the job "held by another" and dropping
     *     the task, which left the job ASSEMBLING until the lease ran out with nobody to resume it
     */
    public void handle(JobTask task, String deliveryId) {
        switch (task.kind()) {
            case SCAN -> scanStep(task.jobId());
            case CHUNK -> processChunk(task);
            case ASSEMBLE -> assemble(task.jobId(), deliveryId);
        }
    }

    // ---- chunks ----

    private void processChunk(JobTask task) {
        JobStore.Job job = jobs.job(task.jobId()).orElse(null);
        if (job == null) {
            JsonLog.warn("chunk task for an unknown job", Map.of("job_id", task.jobId(), "chunk", task.chunk()));
            return;
        }
        if (job.state().terminal()) {
            return; // failed (or, for a redelivered task, complete): nothing left to gate
        }
        LoadedGate current = gate.current();
        Optional<byte[]> read = readChunk(job, task.startByte(), task.endByte());
        if (read.isEmpty()) {
            return; // the manifest changed: the job is failed
        }
        byte[] bytes = read.get();
        List<PartLine> gatePart = new ArrayList<>();
        List<QueueItem> escalated = new ArrayList<>();
        RoutingMonitor.Tally tally = routing.tally(current);
        long lineNumber = task.firstLine();
        // lines are cut from the bytes (a '\n' byte is never inside a UTF-8 sequence) and parsed in place
        for (int from = 0; from < bytes.length; lineNumber++) {
            int newline = indexOf(bytes, (byte) '\n', from);
            int to = newline < 0 ? bytes.length : newline;
            int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
            ManifestLine parsed = ManifestLine.parse(bytes, from, end, lineNumber);
            from = to + 1;
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

    // ---- scanning ----

    /**
     * The step's lines count toward the owner's day, exactly once (only the step's recorder gets here).
     * Best effort: a failure here must not stop the step after its record (nobody would carry on).
     */
    private void countTowardQuota(String jobId, long lines) {
        String owner = Tenant.nameOrUnknown(jobId);
        if (owner.equals(Tenant.UNKNOWN)) {
            return;
        }
        try {
            quotas.count(Tenant.of(owner), lines);
        } catch (RuntimeException e) {
            JsonLog.warn("quota count failed", Map.of("job_id", jobId, "lines", lines, "reason", e.toString()));
        }
    }

    /**
     * One SCAN step: cuts up to {@link #SCAN_STEP_CHUNKS} chunks from where the table says the scan
     * stands, writes their index segment, sends their CHUNK tasks, then records the new offset and sends
     * the next SCAN (or, at the end of the manifest, starts the job running). Redoing a step after a crash
     * cuts the same chunks (the limits and the manifest version are pinned in the job) and re-sends them.
     */
    private void scanStep(String jobId) {
        JobStore.Job job = jobs.job(jobId).orElse(null);
        if (job == null || job.state() != JobState.SCANNING) {
            return; // unknown, or scanned already (a redelivered task)
        }
        String manifestKey = S3Location.parse(job.manifestUri()).key();
        ChunkLimits limits = job.limits() != null ? job.limits() : config.chunkLimits();
        long from = job.scanOffset();
        int firstChunk = (int) job.chunks();
        ChunkCutter cutter = new ChunkCutter(limits, from, job.items(), firstChunk);
        Optional<HeadObjectResponse> head = headManifest(manifestKey, job.manifestETag());
        if (head.isEmpty()) {
            failManifestChanged(job);
            return;
        }
        boolean end = true;
        if (from < head.get().contentLength()) {
            try (ResponseInputStream<GetObjectResponse> in = clients.s3().getObject(b -> b.bucket(config.bucketName())
                    .key(manifestKey)
                    .range("bytes=" + from + "-")
                    .ifMatch(job.manifestETag()))) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = in.read(buffer)) > 0) {
                    cutter.accept(buffer, 0, read);
                    if (cutter.closed().size() >= SCAN_STEP_CHUNKS) {
                        end = false;
                        in.abort(); // the rest is the next step's
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read manifest " + job.manifestUri(), e);
            } catch (SdkException e) {
                if (preconditionFailed(e)) {
                    failManifestChanged(job);
                    return;
                }
                throw AwsFailures.classify("S3 GetObject", e);
            }
        }
        if (end) {
            cutter.finish();
        }
        List<ChunkIndex.Chunk> chunks = cutter.closed();
        long lines = chunks.stream().mapToLong(ChunkIndex.Chunk::lines).sum();
        long to = chunks.isEmpty() ? from : chunks.get(chunks.size() - 1).endByte();
        if (!chunks.isEmpty()) {
            putObject(
                    ChunkIndex.segmentKey(jobId, firstChunk),
                    Json.writeBytes(new ChunkIndex(job.manifestUri(), lines, chunks)),
                    "application/json");
            List<JobTask> tasks = new ArrayList<>(chunks.size());
            for (ChunkIndex.Chunk c : chunks) {
                tasks.add(JobTask.chunk(jobId, c.index(), c.startByte(), c.endByte(), c.firstLine()));
            }
            dispatch(tasks);
        }
        long totalChunks = firstChunk + chunks.size();
        long totalLines = job.items() + lines;
        if (!jobs.recordScan(jobId, from, to, totalChunks, totalLines)) {
            return; // another scanner recorded this step first and carries on
        }
        countTowardQuota(jobId, lines);
        if (!end) {
            dispatch(List.of(JobTask.scan(jobId)));
            return;
        }
        jobs.startRunning(jobId, totalChunks, totalLines);
        JsonLog.info(
                "job scanned",
                Map.of("job_id", jobId, "manifest", job.manifestUri(), "items", totalLines, "chunks", totalChunks));
        // chunks counted while scanning may already be all of them
        if (jobs.job(jobId).map(JobStore.Job::readyToAssemble).orElse(false)) {
            requestAssembly(jobId);
        }
    }

    // ---- assembly ----

    /**
     * Streams every chunk's part files, in manifest order, into a multipart upload of the output (no
     * staging on disk; any size). Runs under the job's assembly lease: a second assembler returns at once,
     * and only the lease holder can complete the job, so at most one assembler wins.
     */
    private void assemble(String jobId, String assembler) {
        long now = clock.millis();
        if (!jobs.beginAssembly(jobId, assembler, now, now + ASSEMBLY_LEASE.toMillis())) {
            return; // unknown, premature (the last chunk's owner asks again), held by another, or finished
        }
        JobStore.Job job = jobs.job(jobId).orElseThrow();
        String outputKey =
                BucketLayout.outputFor(S3Location.parse(job.manifestUri()).key());
        long lost = 0;
        long duplicates = 0;
        try (MultipartOutput out = new MultipartOutput(
                clients.s3(), config.bucketName(), outputKey, "application/x-ndjson", OUTPUT_PART_BYTES)) {
            int next = 0;
            while (next < job.chunks()) {
                ChunkIndex segment = indexSegment(jobId, next);
                for (ChunkIndex.Chunk chunk : segment.chunks()) {
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
                        out.write(Json.writeBytes(output));
                        out.write('\n');
                    }
                }
                next += Math.max(1, segment.chunks().size());
            }
            out.complete();
        }
        String outputUri = new S3Location(config.bucketName(), outputKey).uri();
        if (!jobs.complete(jobId, assembler, outputUri, lost, duplicates, clock.millis())) {
            return; // our lease ran out and another assembler took over: it owns the completion
        }
        events.jobCompleted(new CompletionEvents.JobCompleted(
                Tenant.ofScoped(jobId).name(),
                Tenant.unscoped(jobId),
                job.manifestUri(),
                outputUri,
                job.items(),
                lost,
                duplicates));
    }

    /** The index segment that starts at chunk {@code firstChunk} (jobs scanned in one piece: the one index). */
    private ChunkIndex indexSegment(String jobId, int firstChunk) {
        try {
            return Json.read(getBytes(ChunkIndex.segmentKey(jobId, firstChunk)), ChunkIndex.class);
        } catch (NoSuchKeyException e) {
            if (firstChunk == 0) {
                return Json.read(getBytes(ChunkIndex.key(jobId)), ChunkIndex.class);
            }
            throw new IllegalStateException("job " + jobId + " has no index segment at chunk " + firstChunk, e);
        }
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

    // ---- the manifest, pinned to the ETag the job was created with ----

    /**
     * HEAD of the manifest; with {@code eTag}, only that version. Empty when the manifest is gone (no
     * {@code eTag}) or no longer that version.
     */
    private Optional<HeadObjectResponse> headManifest(String key, String eTag) {
        try {
            return Optional.of(clients.s3()
                    .headObject(b -> b.bucket(config.bucketName()).key(key).ifMatch(eTag)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (e instanceof S3Exception s3 && s3.statusCode() == 404 || preconditionFailed(e)) {
                return Optional.empty();
            }
            throw AwsFailures.classify("S3 HeadObject", e);
        }
    }

    /**
     * Bytes {@code [start, end)} of the job's manifest; empty when the manifest changed. Read into one array
     * of the range's size (the SDK's {@code getObjectAsBytes} grows a buffer by doubling and copies it once
     * more at the end: about three copies of a 20 MB chunk).
     */
    private Optional<byte[]> readChunk(JobStore.Job job, long start, long end) {
        if (end <= start) {
            return Optional.of(new byte[0]);
        }
        String key = S3Location.parse(job.manifestUri()).key();
        int length = Math.toIntExact(end - start);
        try (ResponseInputStream<GetObjectResponse> in = clients.s3().getObject(b -> b.bucket(config.bucketName())
                .key(key)
                .range("bytes=" + start + "-" + (end - 1))
                .ifMatch(job.manifestETag()))) {
            byte[] bytes = new byte[length];
            int read = in.readNBytes(bytes, 0, length);
            return Optional.of(read == length ? bytes : java.util.Arrays.copyOf(bytes, read));
        } catch (SdkException e) {
            if (preconditionFailed(e) || e instanceof NoSuchKeyException) {
                failManifestChanged(job);
                return Optional.empty();
            }
            throw AwsFailures.classify("S3 GetObject", e);
        } catch (IOException e) {
            // what getObjectAsBytes reported for a broken response body
            throw AwsFailures.classify(
                    "S3 GetObject",
                    software.amazon.awssdk.core.exception.SdkClientException.create(
                            "cannot read manifest bytes " + start + "-" + (end - 1) + " of " + job.manifestUri(), e));
        }
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean preconditionFailed(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 412;
    }

    /** The manifest was overwritten or deleted after the job was created: its byte offsets mean nothing now. */
    private void failManifestChanged(JobStore.Job job) {
        String reason = "the manifest " + job.manifestUri() + " was overwritten or deleted while the job ran"
                + " (the job reads only the version it started with, ETag " + job.manifestETag()
                + "); upload it again to start a new job";
        if (jobs.fail(job.jobId(), reason, clock.millis())) {
            JsonLog.warn("job failed", Map.of("job_id", job.jobId(), "reason", reason));
            events.jobFailed(new CompletionEvents.JobFailed(
                    Tenant.ofScoped(job.jobId()).name(), Tenant.unscoped(job.jobId()), job.manifestUri(), reason));
        }
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
        } catch (NoSuchKeyException e) {
            throw e;
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
