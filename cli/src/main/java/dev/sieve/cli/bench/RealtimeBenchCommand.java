package dev.sieve.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.local.LocalCommand;
import dev.sieve.cli.local.LocalSieve;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.result.TableSchema;
import dev.sieve.worker.TaskProtection;
import dev.sieve.worker.Worker;
import dev.sieve.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code sieve bench realtime}: the real-time path's own cost. {@code sieve local}'s system (embedded
 * SQS/DynamoDB/S3, the gate's HTTP handler, the production worker) with a gate that escalates every
 * item and an expert that costs nothing; each request goes gate, realtime queue, poller, batcher,
 * result write, and the gate's wait on the result store. Its latency is the pipeline's overhead. A
 * request the gate answers alone is timed beside it (HTTP and gate, no queue).
 */
@Command(
        name = "realtime",
        mixinStandardHelpOptions = true,
        description = {
            "Sends --requests real-time requests, one after another, through the local system with a gate that"
                    + " escalates every item and an expert that costs nothing; reports the latency percentiles.",
            "overhead_ms = the escalated request's latency (goal p50 <= 30, p99 <= 100); gate_only_ms = a request the"
                    + " gate answers alone."
        })
public final class RealtimeBenchCommand implements Callable<Integer> {
    private static final String VERSION = "bench-realtime";

    @Option(names = "--requests", defaultValue = "200", description = "Timed requests (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(
            names = "--warmup",
            defaultValue = "30",
            description = "Untimed requests first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--items", defaultValue = "1", description = "Items per request (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(
            names = "--max-wait-ms",
            description = "SIEVE_MAX_WAIT_MS for the worker's batcher (default: the worker's default).")
    Integer maxWaitMs;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    private final StageClock stageClock = new StageClock();

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || warmup < 0 || items < 1) {
            System.err.println("--requests and --items must be at least 1, --warmup at least 0");
            return 2;
        }
        LocalCommand.quietLogs();
        Map<String, String> env = new HashMap<>();
        env.put("SIEVE_REALTIME_BUDGET_MS", "10000");
        if (maxWaitMs != null) {
            env.put(EnvironmentVariables.MAX_WAIT_MS, Integer.toString(maxWaitMs));
        }
        List<Double> escalated = new ArrayList<>();
        List<Double> gateOnly = new ArrayList<>();
        List<Double> storeReads = new ArrayList<>();
        List<Double> queueSends = new ArrayList<>();
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        Map<String, Object> out = new LinkedHashMap<>();
        java.io.PrintStream stdout = System.out;
        System.setOut(System.err); // the local system's JSON logs (the reaper's runs) go to stderr
        try (LocalSieve sieve = LocalSieve.start(
                new LocalSieve.Options(SieveResources.uniquePrefix("bench-rt"), 0, env), gate(), "unused")) {
            sieve.launchWorkers(this::zeroCostWorker);
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            URI classify = URI.create(sieve.apiUrl() + "/v1/classify");
            String token = sieve.token("bench");
            for (int i = 0; i < warmup + requests; i++) {
                long sent = stageClock.send();
                double e = timed(http, classify, token, body(i, "hello"), "expert");
                Map<String, Double> stage = stageClock.stages(sent + (long) (e * 1e6));
                double g = timed(http, classify, token, body(i, "sure"), "gate");
                if (i >= warmup) {
                    stage.forEach((name, ms) -> {
                        if (!ms.isNaN()) {
                            stages.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
                        }
                    });
                    escalated.add(e);
                    gateOnly.add(g);
                }
            }
            // One result-store read, the unit of the gate's wait loop (a GetItem on the same table)
            try (DynamoDbClient dynamoDb = sieve.backend().dynamoDb().get()) {
                for (int i = 0; i < warmup + requests; i++) {
                    long start = System.nanoTime();
                    dynamoDb.getItem(b -> b.tableName(sieve.resources().tableName())
                            .key(Map.of(
                                    TableSchema.PK, AttributeValue.fromS("bench#none"),
                                    TableSchema.SK, AttributeValue.fromS("META"))));
                    if (i >= warmup) {
                        storeReads.add((System.nanoTime() - start) / 1e6);
                    }
                }
            }
            // One SendMessage to a queue nobody reads: the unit of the gate -> worker hop (the worker's long
            // poll returns once the send is stored, so this bounds send_to_received from below)
            try (SqsClient sqs = sieve.backend().sqs().get()) {
                String probe = sqs.createQueue(
                                b -> b.queueName(sieve.resources().tableName() + "-send-probe"))
                        .queueUrl();
                for (int i = 0; i < warmup + requests; i++) {
                    long start = System.nanoTime();
                    sqs.sendMessage(b -> b.queueUrl(probe).messageBody("probe"));
                    if (i >= warmup) {
                        queueSends.add((System.nanoTime() - start) / 1e6);
                    }
                }
                sqs.deleteQueue(b -> b.queueUrl(probe));
            }
        } finally {
            System.setOut(stdout);
        }
        out.put("bench", "realtime");
        out.put("mode", "local");
        out.put("requests", requests);
        out.put("items_per_request", items);
        out.put("max_wait_ms", maxWaitMs != null ? maxWaitMs : "worker default");
        out.put("overhead_ms_p50", percentile(escalated, 0.50));
        out.put("overhead_ms_p90", percentile(escalated, 0.90));
        out.put("overhead_ms_p99", percentile(escalated, 0.99));
        out.put("overhead_ms_max", percentile(escalated, 1.0));
        out.put("stages_ms_p50", stagePercentiles(stages, 0.50));
        out.put("stages_ms_p99", stagePercentiles(stages, 0.99));
        out.put("gate_only_ms_p50", percentile(gateOnly, 0.50));
        out.put("gate_only_ms_p99", percentile(gateOnly, 0.99));
        out.put("result_store_read_ms_p50", percentile(storeReads, 0.50));
        out.put("result_store_read_ms_p99", percentile(storeReads, 0.99));
        out.put("queue_send_ms_p50", percentile(queueSends, 0.50));
        out.put("queue_send_ms_p99", percentile(queueSends, 0.99));
        if (json) {
            System.out.println(Json.write(out));
        } else {
            out.forEach((k, v) -> System.out.println(k + ": " + v));
        }
        return 0;
    }

    /** Milliseconds of one request; every item must come back from {@code tier}. */
    private static double timed(HttpClient http, URI classify, String token, String body, String tier)
            throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> reply = http.send(
                HttpRequest.newBuilder(classify)
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - start) / 1e6;
        if (reply.statusCode() != 200) {
            throw new IllegalStateException("classify answered " + reply.statusCode() + ": " + reply.body());
        }
        for (JsonNode item : Json.read(reply.body(), JsonNode.class).path("items")) {
            if (!item.path("tier").asText().equals(tier)) {
                throw new IllegalStateException("an item came back from tier '"
                        + item.path("tier").asText() + "', expected '" + tier + "': " + reply.body());
            }
        }
        return millis;
    }

    private String body(int request, String word) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < this.items; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(i)
                    .append("\",\"text\":\"")
                    .append(word)
                    .append(" request ")
                    .append(request)
                    .append(" item ")
                    .append(i)
                    .append("\"}");
        }
        return "{\"items\":[" + items + "]}";
    }

    /** Escalates every text except those starting with "sure", which it answers with confidence 0.99. */
    private static LoadedGate gate() {
        return SyntheticGate.of(VERSION, text -> text.startsWith("sure") ? 0.01 : 0.5);
    }

    /**
     * The production worker, on the system's queues and table, with {@link ZeroCostExpert}; its SQS and
     * DynamoDB clients and its batches are seen by the {@link StageClock}.
     */
    private AutoCloseable zeroCostWorker(dev.sieve.cli.local.AwsBackend backend, Map<String, String> environment) {
        WorkerConfig config = WorkerConfig.fromEnvironment(environment);
        SqsClient sqs = backend.sqs().get();
        DynamoDbClient dynamoDb = backend.dynamoDb().get();
        S3Client s3 = backend.s3().get();
        Worker worker = Worker.awsBuilder(
                        config,
                        new ZeroCostExpert(stageClock::expertDone),
                        VERSION,
                        stageClock.sqs(sqs),
                        stageClock.dynamoDb(dynamoDb),
                        s3)
                .protection(TaskProtection.none())
                .metrics(Metrics.noop())
                .batchListener(inputs -> stageClock.batched())
                .build();
        worker.start();
        return () -> {
            try (sqs;
                    dynamoDb;
                    s3;
                    worker) {
                worker.drain(Duration.ofSeconds(5));
            }
        };
    }

    /** Per stage (send -> received -> batched -> expert done -> written -> seen by the gate), in ms. */
    private static Map<String, Double> stagePercentiles(Map<String, List<Double>> stages, double q) {
        Map<String, Double> out = new LinkedHashMap<>();
        stages.forEach((name, values) -> out.put(name, percentile(values, q)));
        return out;
    }

    private static double percentile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return Math.round(sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) * 10) / 10.0;
    }
}
