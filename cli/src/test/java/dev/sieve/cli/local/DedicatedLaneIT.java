package dev.sieve.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.bench.SyntheticGate;
import dev.sieve.cli.bench.ZeroCostExpert;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.worker.TaskProtection;
import dev.sieve.worker.Worker;
import dev.sieve.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A latency-critical tenant with a dedicated real-time lane ({@code SIEVE_LANE_QUEUE_URLS}, {@code sieve local
 * --dedicated-tenants}) is served by its lane's worker while the shared real-time queue is flooded by another
 * tenant and nothing drains it: the real gate handler, the real queues and the production worker on the
 * embedded emulators.
 */
class DedicatedLaneIT {
    private static final String VIP = "vip";
    private static final String CROWD = "crowd";
    private static final String VERSION = "lane-it";

    private static LocalSieve sieve;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        LocalCommand.quietLogs();
        sieve = LocalSieve.start(
                AwsBackend.of(LocalAws.shared()),
                null,
                new LocalSieve.Options(
                                SieveResources.uniquePrefix("lanes"),
                                0,
                                Map.of(EnvironmentVariables.REALTIME_BUDGET_MS, "8000"))
                        .withDedicatedTenants(List.of(VIP)),
                escalatingGate(),
                "unused");
        // Only the lane has a worker: the shared real-time queue is never drained in this test.
        sieve.launchLaneWorkers(DedicatedLaneIT::worker);
    }

    @AfterAll
    static void stop() {
        if (sieve != null) {
            sieve.close();
        }
    }

    @Test
    void laneTenant_isAnsweredByTheExpert_whileTheSharedQueueIsFloodedAndUndrained() throws Exception {
        // The flood: another tenant's real-time requests, 500 escalated items each, waiting out their budget.
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            flood.add(http.sendAsync(classify(CROWD, body(r, 500)), HttpResponse.BodyHandlers.ofString()));
        }
        String shared = sieve.resources().realtimeQueueUrl();
        awaitMessages(shared);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response =
                    http.send(classify(VIP, body(100 + i, 1)), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode counts = Json.read(response.body(), JsonNode.class).path("counts");
            assertThat(counts.path("expert").asInt()).as(response.body()).isEqualTo(1);
            assertThat(counts.path("pending").asInt()).as(response.body()).isZero();
        }

        for (CompletableFuture<HttpResponse<String>> pending : flood) {
            HttpResponse<String> response = pending.get();
            JsonNode counts = Json.read(response.body(), JsonNode.class).path("counts");
            assertThat(counts.path("expert").asInt())
                    .as("nothing drains the shared queue")
                    .isZero();
            assertThat(counts.path("pending").asInt()).isEqualTo(500);
        }
        try (SqsClient sqs = sieve.backend().sqs().get()) {
            assertThat(visibleMessages(sqs, shared))
                    .as("the crowd's work waits in the shared queue")
                    .isPositive();
            String lane = sieve.lanes().get(VIP).queueUrl();
            assertThat(visibleMessages(sqs, lane) + inFlight(sqs, lane))
                    .as("the lane's work was taken and deleted")
                    .isZero();
        }
    }

    @Test
    void laneWorker_pollsOnlyItsLane() {
        Map<String, String> env = sieve.laneEnvironment(sieve.lanes().get(VIP));
        assertThat(env.get(EnvironmentVariables.REALTIME_QUEUE_URL))
                .isEqualTo(sieve.lanes().get(VIP).queueUrl())
                .isNotEqualTo(sieve.resources().realtimeQueueUrl());
        assertThat(env).doesNotContainKeys(EnvironmentVariables.ASYNC_QUEUE_URL, EnvironmentVariables.BATCH_QUEUE_URL);
        assertThat(sieve.environment().get(EnvironmentVariables.LANE_QUEUE_URLS))
                .contains("\"" + VIP + "\"")
                .doesNotContain(CROWD);
    }

    private HttpRequest classify(String tenant, String body) {
        return HttpRequest.newBuilder(URI.create(sieve.apiUrl() + "/v1/classify"))
                .timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + sieve.token(tenant))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String body(int request, int items) {
        return IntStream.range(0, items)
                .mapToObj(i -> "{\"id\":\"r" + request + "-" + i + "\",\"text\":\"hello " + i + "\"}")
                .collect(Collectors.joining(",", "{\"mode\":\"realtime\",\"items\":[", "]}"));
    }

    private static void awaitMessages(String queueUrl) throws InterruptedException {
        try (SqsClient sqs = sieve.backend().sqs().get()) {
            for (int i = 0; i < 200 && visibleMessages(sqs, queueUrl) == 0; i++) {
                Thread.sleep(50);
            }
            assertThat(visibleMessages(sqs, queueUrl))
                    .as("the flood reached the shared queue")
                    .isPositive();
        }
    }

    private static int visibleMessages(SqsClient sqs, String queueUrl) {
        return attribute(sqs, queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    private static int inFlight(SqsClient sqs, String queueUrl) {
        return attribute(sqs, queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private static int attribute(SqsClient sqs, String queueUrl, QueueAttributeName name) {
        return Integer.parseInt(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(name))
                .attributes()
                .get(name));
    }

    /** Escalates every text. */
    private static LoadedGate escalatingGate() {
        return SyntheticGate.escalatingAll(VERSION);
    }

    /** The production worker on the environment it is given, with an expert that answers "spam" at once. */
    private static AutoCloseable worker(AwsBackend backend, Map<String, String> environment) {
        WorkerConfig config = WorkerConfig.fromEnvironment(environment);
        SqsClient sqs = backend.sqs().get();
        DynamoDbClient dynamoDb = backend.dynamoDb().get();
        S3Client s3 = backend.s3().get();
        Worker worker = Worker.onAws(
                config, new ZeroCostExpert(), VERSION, sqs, dynamoDb, s3, TaskProtection.none(), Metrics.noop());
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
}
