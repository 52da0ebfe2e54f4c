package dev.sieve.cli.bench;

import dev.sieve.cli.models.BundleOptions;
import dev.sieve.cli.models.ModelCommand;
import dev.sieve.cli.models.ModelTools;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.GateLoading;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.batch.LogCompletionEvents;
import dev.sieve.gate.batch.S3JobHandler;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.corpus.Dataset;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code sieve bench batch}: the batch path's CPU per item, by stage. One manifest of {@code --items}
 * corpus lines (one chunk) is put in the embedded S3, started and scanned through the real {@link
 * S3JobHandler}, and its CHUNK task is then run {@code --runs} times on this thread (after {@code
 * --warmup} runs; a chunk task is idempotent). The thread's CPU time around each run is exact
 * ({@link ThreadMXBean}); how it splits across stages comes from JDK Flight Recorder's execution samples
 * of this thread (samples of running Java code, not of waits), classified by the innermost frame that
 * names a stage. The emulators run on other threads, so their CPU is not counted.
 */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "CPU per item of the batch path's chunk step (S3 range read, JSON parse, gate scoring, part file,"
                    + " SQS, DynamoDB) through the real job handler over the embedded emulators.",
            "Stage shares come from JFR execution samples; deeper stacks classify better with"
                    + " SIEVE_JAVA_OPTS=-XX:FlightRecorderOptions:stackdepth=512."
        })
public final class BatchBenchCommand extends ModelCommand {
    private static final String TENANT = "bench";

    @Mixin
    BundleOptions bundleOptions;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Option(
            names = "--items",
            defaultValue = "10000",
            description = "Manifest lines, all in one chunk (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "Untimed runs of the chunk task first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--runs",
            defaultValue = "5",
            description = "Timed runs of the chunk task (default: ${DEFAULT-VALUE}).")
    int runs;

    @Override
    protected int execute() throws Exception {
        if (items < 1 || runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--items and --runs must be >= 1, --warmup >= 0");
        }
        // The handlers' JSON logs go to stdout; keep stdout for the result line.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return run();
        } finally {
            System.setOut(stdout);
        }
    }

    private int run() throws Exception {
        ModelBundle bundle = openBundle(bundleOptions);
        LoadedGate gate = GateLoading.load(bundle);
        Dataset dataset = ModelTools.bundleSplit(bundle, bundleOptions.data(), cacheDir());
        byte[] manifest = manifest(dataset, items);
        progress("bench: batch chunk of " + items + " lines (" + manifest.length + " bytes), " + warmup + " warm-up + "
                + runs + " timed runs ...");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Object> out = new LinkedHashMap<>();
        try (LocalAws aws = LocalAws.start();
                SqsClient sqs = aws.sqsClient()) {
            SieveResources resources = SieveResources.create(aws, "bench");
            String jobsQueue = sqs.createQueue(b -> b.queueName("bench-jobs")).queueUrl();
            Map<String, String> env = new LinkedHashMap<>(aws.environment());
            env.putAll(resources.environment());
            env.put(EnvironmentVariables.JOBS_QUEUE_URL, jobsQueue);
            env.put(EnvironmentVariables.BUNDLE_URI, bundle.directory().toString());
            env.put(EnvironmentVariables.S3_PATH_STYLE, "true");
            env.put(EnvironmentVariables.API_BASE_URL, "http://" + LocalAws.HOST);
            env.put(EnvironmentVariables.BATCH_CHUNK_ITEMS, Integer.toString(items));
            env.put(
                    EnvironmentVariables.BATCH_CHUNK_BYTES,
                    Integer.toString(Math.max(GateConfig.DEFAULT_BATCH_CHUNK_BYTES, manifest.length)));
            GateConfig config = GateConfig.fromEnvironment(env);
            try (AwsClients clients =
                    new AwsClients(aws.sqsClient(), aws.dynamoDbClient(), aws.s3Client(), aws.s3Presigner())) {
                GateRuntime runtime = GateRuntime.create(
                        config,
                        clients,
                        gate,
                        Metrics.noop(),
                        new LogCompletionEvents(Metrics.noop()),
                        Clock.systemUTC());
                S3JobHandler handler = new S3JobHandler(runtime);
                // The scan reads the whole manifest once per job: time it warm, over jobs of their own (a
                // job's scan cannot be redone), then keep the last job for the chunk runs.
                JobTask chunk = null;
                long scanCpu = 0;
                StageSamples scanSamples = null;
                for (int i = 0; i <= warmup; i++) {
                    String key = "jobs/in/" + TENANT + "/bench-" + items + "-" + i + ".jsonl";
                    clients.s3()
                            .putObject(b -> b.bucket(resources.bucketName()).key(key), RequestBody.fromBytes(manifest));
                    Sampler sampler = i == warmup ? Sampler.start() : null;
                    long c0 = threads.getCurrentThreadCpuTime();
                    handler.onObjectCreated(key); // creates the job, sends its SCAN task
                    long c1 = threads.getCurrentThreadCpuTime();
                    if (sampler != null) {
                        sampler.pause();
                    }
                    JobTask scan = next(sqs, jobsQueue, JobTask.Kind.SCAN);
                    if (sampler != null) {
                        sampler.resume();
                    }
                    long c2 = threads.getCurrentThreadCpuTime();
                    handler.onTask(scan, Duration.ZERO); // cuts the chunk, sends its CHUNK task
                    scanCpu = (c1 - c0) + (threads.getCurrentThreadCpuTime() - c2); // the last (warmest) one
                    if (sampler != null) {
                        scanSamples = sampler.stop();
                    }
                    chunk = next(sqs, jobsQueue, JobTask.Kind.CHUNK);
                    if (i < warmup) {
                        clients.s3().deleteObject(b -> b.bucket(resources.bucketName())
                                .key(key));
                    }
                }
                if (chunk.endByte() - chunk.startByte() != manifest.length) {
                    throw new IllegalStateException("the manifest was cut into more than one chunk; lower --items");
                }
                for (int i = 0; i < warmup; i++) {
                    handler.onTask(chunk, Duration.ZERO);
                }
                long cpu = 0;
                long wall = 0;
                List<Double> perRun = new ArrayList<>();
                Sampler sampler = Sampler.start();
                for (int i = 0; i < runs; i++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    handler.onTask(chunk, Duration.ZERO);
                    long c = threads.getCurrentThreadCpuTime() - c0;
                    wall += System.nanoTime() - w0;
                    cpu += c;
                    perRun.add(round(c / 1e6 / items, 4));
                }
                StageSamples samples = sampler.stop();
                double cpuMsPerItem = cpu / 1e6 / runs / items;
                out.put("bundle_version", bundle.version());
                out.put("items", items);
                out.put("manifest_bytes_per_line", round((double) manifest.length / items, 1));
                out.put("runs", runs);
                out.put("chunk_cpu_ms_per_item", round(cpuMsPerItem, 4));
                out.put("chunk_cpu_ms_per_item_by_run", perRun);
                out.put("chunk_wall_ms_per_item", round(wall / 1e6 / runs / items, 4));
                out.put("chunk_cpu_ms_per_item_by_stage", samples.msPerItem(cpuMsPerItem));
                out.put("within_aws_calls_ms_per_item", samples.withinAwsMsPerItem(cpuMsPerItem));
                out.put("samples", samples.total());
                out.put("samples_unclassified", samples.unclassified());
                double scanMsPerItem = scanCpu / 1e6 / items;
                out.put("start_and_scan_cpu_ms_per_item", round(scanMsPerItem, 4));
                out.put("start_and_scan_cpu_ms_per_item_by_stage", scanSamples.msPerItem(scanMsPerItem));
                out.put("escalated_per_chunk", escalated(gate, manifestTexts(dataset, items)));
                if (!json) {
                    out.put("hot_frames", samples.hotFrames(15));
                }
            }
        }
        out.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        if (json) {
            printJsonLine(out);
        } else {
            out.forEach((k, v) -> out().printf("%-34s %s%n", k, v));
        }
        out().flush();
        return 0;
    }

    /**
     * The texts of {@code count} manifest lines: the bundle's validation and test texts over and over (texts
     * the gate was not trained on, so it escalates about as often as in use; its training texts it knows).
     */
    static List<String> manifestTexts(Dataset dataset, int count) {
        List<LabeledText> unseen = new ArrayList<>(dataset.validation());
        unseen.addAll(dataset.test());
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(unseen.get(i % unseen.size()).text());
        }
        return texts;
    }

    /** {@code count} manifest lines {@code {"id":"sa-<n>","text":..}} of {@link #manifestTexts}. */
    static byte[] manifest(Dataset dataset, int count) {
        List<String> texts = manifestTexts(dataset, count);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", "sa-" + i);
            line.put("text", texts.get(i));
            out.writeBytes(Json.write(line).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The next task of {@code kind} on the jobs queue (deleted from it). */
    private static JobTask next(SqsClient sqs, String queue, JobTask.Kind kind) {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            for (Message m : sqs.receiveMessage(
                            b -> b.queueUrl(queue).maxNumberOfMessages(1).waitTimeSeconds(1))
                    .messages()) {
                sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
                JobTask task = Json.read(m.body(), JobTask.class);
                if (task.kind() == kind) {
                    return task;
                }
            }
        }
        throw new IllegalStateException("no " + kind + " task on the jobs queue within 30 s");
    }

    /** How many of {@code texts} the gate escalates (the items of each run's one batch-queue message). */
    private static long escalated(LoadedGate gate, List<String> texts) {
        return texts.stream().filter(t -> !gate.judge(t).confident()).count();
    }

    static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }

    /**
     * A JFR recording of this thread's execution samples (1 ms period); {@link #pause} leaves out what
     * should not count (samples taken while paused are dropped by time).
     */
    static final class Sampler {
        private final Recording recording = new Recording();
        private final List<long[]> paused = new ArrayList<>();
        private long pausedAt;

        static Sampler start() {
            Sampler sampler = new Sampler();
            sampler.recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            sampler.recording.start();
            return sampler;
        }

        void pause() {
            pausedAt = System.currentTimeMillis();
        }

        void resume() {
            paused.add(new long[] {pausedAt, System.currentTimeMillis()});
        }

        StageSamples stop() throws java.io.IOException {
            recording.stop();
            Path file = Files.createTempFile("sieve-bench-batch", ".jfr");
            try {
                recording.dump(file);
                return StageSamples.read(file, Thread.currentThread().threadId(), paused);
            } finally {
                recording.close();
                Files.deleteIfExists(file);
            }
        }
    }

    /** JFR execution samples of one thread, by stage. */
    static final class StageSamples {
        /** Innermost frame first: the first rule that matches a frame names the sample's stage. */
        private static final List<String[]> RULES = List.of(
                new String[] {"json_parse", "dev.sieve.gate.batch.ManifestLine", null},
                new String[] {"gate_scoring", "dev.sieve.gate.service.LoadedGate", "judge"},
                new String[] {"part_encode", "dev.sieve.contract.PartFiles", "encode"},
                new String[] {"payload_encode", "dev.sieve.contract.PayloadReader", "encode"},
                new String[] {"queue_pack", "dev.sieve.contract.QueuePacker", null},
                new String[] {"s3_get", "software.amazon.awssdk.services.s3.DefaultS3Client", "getObject"},
                new String[] {"s3_put", "software.amazon.awssdk.services.s3.DefaultS3Client", "putObject"},
                new String[] {"s3_other", "software.amazon.awssdk.services.s3.DefaultS3Client", null},
                new String[] {"sqs", "software.amazon.awssdk.services.sqs.DefaultSqsClient", null},
                new String[] {"dynamodb", "software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient", null},
                new String[] {"line_split", "dev.sieve.gate.batch.JobService", "readLines"},
                new String[] {"scan_cut", "dev.sieve.gate.batch.ChunkCutter", null},
                new String[] {"job_other", "dev.sieve.gate.batch.JobService", null},
                new String[] {"job_other", "dev.sieve.contract.", null});
        /** Within AWS calls, by the innermost frame's kind of work. */
        private static final List<String[]> AWS_RULES = List.of(
                new String[] {"checksum", "java.util.zip.CRC32"},
                new String[] {"checksum", "software.amazon.awssdk.checksums"},
                new String[] {"checksum", "software.amazon.awssdk.core.internal.checksums"},
                new String[] {"signing_hash", "sun.security.provider.SHA"},
                new String[] {"signing_hash", "sun.security.provider.DigestBase"},
                new String[] {"signing", "software.amazon.awssdk.http.auth"},
                new String[] {"marshalling_json", "com.fasterxml.jackson"},
                new String[] {"marshalling_json", "software.amazon.awssdk.protocols.json"},
                new String[] {"marshalling_json", "software.amazon.awssdk.thirdparty.jackson"},
                new String[] {"http_io", "sun.net.www"},
                new String[] {"http_io", "sun.nio.ch"},
                new String[] {"http_io", "java.net."},
                new String[] {"copy", "java.io.ByteArrayOutputStream"},
                new String[] {"copy", "software.amazon.awssdk.utils.IoUtils"});

        private final Map<String, Integer> byStage = new LinkedHashMap<>();
        private final Map<String, Integer> withinAws = new LinkedHashMap<>();
        private final Map<String, Integer> leaves = new LinkedHashMap<>();
        private int total;

        static StageSamples read(Path file, long threadId, List<long[]> excluded) throws java.io.IOException {
            StageSamples samples = new StageSamples();
            for (String[] rule : RULES) {
                samples.byStage.putIfAbsent(rule[0], 0);
            }
            samples.byStage.put("other", 0);
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                var thread = event.getThread("sampledThread");
                if (thread == null || thread.getJavaThreadId() != threadId || event.getStackTrace() == null) {
                    continue;
                }
                long at = event.getStartTime().toEpochMilli();
                if (excluded.stream().anyMatch(range -> at >= range[0] && at <= range[1])) {
                    continue;
                }
                samples.add(event.getStackTrace());
            }
            return samples;
        }

        private void add(RecordedStackTrace stack) {
            total++;
            List<RecordedFrame> frames = stack.getFrames();
            String stage = "other";
            search:
            for (RecordedFrame frame : frames) {
                String type = frame.getMethod().getType().getName();
                String method = frame.getMethod().getName();
                for (String[] rule : RULES) {
                    if (type.startsWith(rule[1]) && (rule[2] == null || method.startsWith(rule[2]))) {
                        stage = rule[0];
                        break search;
                    }
                }
            }
            byStage.merge(stage, 1, Integer::sum);
            if (!frames.isEmpty()) {
                RecordedFrame leaf = frames.get(0);
                leaves.merge(
                        leaf.getMethod().getType().getName() + "."
                                + leaf.getMethod().getName(),
                        1,
                        Integer::sum);
            }
            if (stage.startsWith("s3_") || stage.equals("sqs") || stage.equals("dynamodb")) {
                String kind = "sdk_other";
                outer:
                for (RecordedFrame frame : frames) {
                    String type = frame.getMethod().getType().getName();
                    for (String[] rule : AWS_RULES) {
                        if (type.startsWith(rule[1])) {
                            kind = rule[0];
                            break outer;
                        }
                    }
                }
                withinAws.merge(kind, 1, Integer::sum);
            }
        }

        int total() {
            return total;
        }

        int unclassified() {
            return byStage.getOrDefault("other", 0);
        }

        Map<String, Double> msPerItem(double cpuMsPerItem) {
            return scaled(byStage, cpuMsPerItem);
        }

        Map<String, Double> withinAwsMsPerItem(double cpuMsPerItem) {
            return scaled(withinAws, cpuMsPerItem);
        }

        private Map<String, Double> scaled(Map<String, Integer> counts, double cpuMsPerItem) {
            Map<String, Double> out = new LinkedHashMap<>();
            counts.forEach((k, v) -> out.put(k, total == 0 ? 0.0 : round(cpuMsPerItem * v / total, 4)));
            return out;
        }

        List<String> hotFrames(int limit) {
            return leaves.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(limit)
                    .map(e -> e.getKey() + " " + e.getValue())
                    .toList();
        }
    }
}
