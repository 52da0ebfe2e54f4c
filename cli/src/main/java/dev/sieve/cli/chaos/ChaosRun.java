package dev.sieve.cli.chaos;

import dev.sieve.cli.local.LocalSieve;
import dev.sieve.localaws.LocalAws;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.tenant.Tenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** One chaos run on a started local system: workload, kills, faults, outages, quiesce, read-back. */
final class ChaosRun {
    static final String TENANT = "chaos";
    private static final Duration WORKER_START = Duration.ofMinutes(3);

    /** What {@code sieve chaos} was asked for (seconds). */
    record Settings(
            int workers,
            int batchLines,
            int shortOutage,
            int longOutage,
            int gap,
            int killEvery,
            double faultRate,
            int quiesceTimeout,
            long seed) {}

    private final LocalAws aws;
    private final LocalSieve sieve;
    private final FaultInjector faults;
    private final Settings settings;
    private final Path dir;
    private final Consumer<String> progress;
    private final List<String> outages = new ArrayList<>();

    ChaosRun(
            LocalAws aws,
            LocalSieve sieve,
            FaultInjector faults,
            Settings settings,
            Path dir,
            Consumer<String> progress) {
        this.aws = aws;
        this.sieve = sieve;
        this.faults = faults;
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
    }

    /** Done means: nothing lost, doubled, stuck or dead-lettered, no 500, little recomputation. */
    static boolean done(Map<String, Object> result) {
        return ((Number) result.get("lost")).longValue() == 0
                && ((Number) result.get("duplicated")).longValue() == 0
                && ((Number) result.get("stuck")).longValue() == 0
                && ((Number) result.get("dlq")).longValue() == 0
                && ((Number) result.get("http_500")).longValue() == 0
                && ((Number) result.get("recompute_ratio")).doubleValue() <= 1.2;
    }

    Map<String, Object> run(Path bundleDir, List<String> texts) throws Exception {
        Path calm = dir.resolve("calm");
        Files.deleteIfExists(calm);
        Map<String, String> env = new HashMap<>(sieve.environment());
        env.put(EnvironmentVariables.BUNDLE_URI, bundleDir.toString());
        env.put(EnvironmentVariables.VISIBILITY_TIMEOUT_S, "30");
        env.put(EnvironmentVariables.INTRA_OP_THREADS, "1");
        env.put(EnvironmentVariables.TOKENIZER_THREADS, "1");
        env.put(EnvironmentVariables.DRAIN_GRACE_S, "5");
        List<String> jvm = List.of(
                "-D" + ChaosWorkerMain.RATE + "=" + settings.faultRate(),
                "-D" + ChaosWorkerMain.CALM_FILE + "=" + calm);
        ChaosClient client = new ChaosClient(sieve.apiUrl(), sieve.token(TENANT));
        Random random = new Random(settings.seed());
        try (SqsClient sqs = aws.sqsClient();
                DynamoDbClient dynamoDb = aws.dynamoDbClient();
                S3Client s3 = aws.s3Client();
                WorkerFleet fleet = new WorkerFleet(dir, env, jvm, progress);
                ChaosWorkload workload = new ChaosWorkload(client, texts, progress)) {
            fleet.start(settings.workers());
            awaitWorkers(fleet);

            String manifestKey = BucketLayout.jobsIn(Tenant.of(TENANT)) + "chaos-" + settings.seed() + ".jsonl";
            List<String> batchIds = new ArrayList<>(settings.batchLines());
            StringBuilder manifest = new StringBuilder();
            for (int line = 0; line < settings.batchLines(); line++) {
                String id = "b" + line;
                batchIds.add(id);
                manifest.append(Json.write(Map.of("id", id, "text", workload.text(id, line))))
                        .append('\n');
            }
            s3.putObject(
                    b -> b.bucket(sieve.resources().bucketName()).key(manifestKey),
                    RequestBody.fromString(manifest.toString()));
            workload.start();
            String jobId = workload.submitJob(manifestKey);
            progress.accept("chaos: workload running; batch job " + jobId + " (" + settings.batchLines() + " lines)");

            Thread killer = Thread.ofPlatform().daemon().name("chaos-killer").start(() -> kill(fleet, random));
            for (LocalAws.Service service :
                    List.of(LocalAws.Service.DYNAMODB, LocalAws.Service.S3, LocalAws.Service.SQS)) {
                for (int seconds : List.of(settings.shortOutage(), settings.longOutage())) {
                    Thread.sleep(settings.gap() * 1000L);
                    progress.accept("chaos: " + service + " down for " + seconds + " s");
                    aws.stop(service);
                    Thread.sleep(seconds * 1000L);
                    aws.restart(service);
                    outages.add(service + " " + seconds + " s");
                    progress.accept("chaos: " + service + " back");
                }
            }
            Thread.sleep(settings.gap() * 1000L);
            killer.interrupt();
            killer.join();
            workload.stop();
            faults.disable();
            Files.writeString(calm, "calm");
            long calmAt = System.nanoTime();
            progress.accept("chaos: faults over (" + fleet.kills() + " workers killed, " + faults.total()
                    + " faults injected into the gate's clients); waiting for the system to quiesce ...");

            ChaosReport report = new ChaosReport(
                    client,
                    Tenant.of(TENANT),
                    sieve.resources().tableName(),
                    sieve.resources().bucketName(),
                    sqs,
                    dynamoDb,
                    s3);
            boolean quiet = awaitQuiet(report, workload.accepted.keySet(), jobId);
            double secondsToQuiesce = (System.nanoTime() - calmAt) / 1e9;
            Map<String, Object> result = report.count(
                    workload.accepted,
                    jobId,
                    manifestKey,
                    batchIds,
                    fleet.expertEvaluations(),
                    LocalSieve.deadLetterQueueUrls(sqs, sieve.resources(), "chaos"));
            result.put("seconds_to_quiesce", quiet ? ChaosReport.round(secondsToQuiesce) : null);
            result.put("worker_kills", fleet.kills());
            result.put("worker_crashes", fleet.crashed().size());
            result.put("outages", outages);
            result.put("faults_injected_gate", faults.total());
            result.put("refused_items", workload.refusedItems());
            result.put("evidence", client.evidence);
            return result;
        }
    }

    private void awaitWorkers(WorkerFleet fleet) throws Exception {
        long deadline = System.nanoTime() + WORKER_START.toNanos();
        while (System.nanoTime() < deadline) {
            long up = 0;
            try (var logs = Files.list(dir)) {
                for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log"))
                        .toList()) {
                    up += Files.readString(log).contains(ChaosWorkerMain.STARTED_LINE) ? 1 : 0;
                }
            }
            if (up >= settings.workers()) {
                progress.accept("chaos: " + up + " workers up");
                return;
            }
            if (!fleet.crashed().isEmpty()) {
                throw new IllegalStateException("a worker died at start: " + fleet.crashed() + "; see " + dir);
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the workers did not start in " + WORKER_START + "; see " + dir);
    }

    private void kill(WorkerFleet fleet, Random random) {
        try {
            while (true) {
                long mean = settings.killEvery() * 1000L;
                Thread.sleep(mean / 2 + (long) (random.nextDouble() * mean));
                int index = fleet.killOne(random);
                progress.accept("chaos: SIGKILLed worker #" + index + " and started a replacement");
            }
        } catch (InterruptedException e) {
            // the storm is over
        }
    }

    /** Waits until every accepted request and the job are final and the work queues are empty. */
    private boolean awaitQuiet(ChaosReport report, Set<String> accepted, String jobId) throws InterruptedException {
        Set<String> open = new HashSet<>(accepted);
        List<String> queues = ChaosReport.workQueues(sieve.resources(), sieve.jobsQueueUrl());
        long deadline = System.nanoTime() + settings.quiesceTimeout() * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String id : new ArrayList<>(open)) {
                if (report.requestDone(id)) {
                    open.remove(id);
                }
            }
            if (open.isEmpty() && ChaosReport.terminal(report.jobState(jobId)) && report.depth(queues) == 0) {
                return true;
            }
            Thread.sleep(2_000);
        }
        progress.accept("chaos: not quiet after " + settings.quiesceTimeout() + " s: " + open.size()
                + " requests open, job " + report.jobState(jobId) + ", " + report.depth(queues) + " messages queued");
        return false;
    }
}
