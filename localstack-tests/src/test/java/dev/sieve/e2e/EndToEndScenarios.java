package dev.sieve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.local.AwsBackend;
import dev.sieve.cli.local.LocalModels;
import dev.sieve.cli.local.LocalSieve;
import dev.sieve.gate.GateLoading;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.api.OpenApiValidator;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The user-facing scenarios, run against whatever speaks the AWS protocols ({@link #backend()}): the
 * whole local system (real gate handlers behind HTTP, the real worker and expert, the local job
 * runner) with a fresh resource prefix per test.
 */
abstract class EndToEndScenarios {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TENANT = "e2e";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final OpenApiValidator openApi = new OpenApiValidator(GateRuntime.openApi());
    private LocalSieve sieve;

    /** The AWS endpoints to run on. */
    abstract AwsBackend backend();

    @BeforeEach
    void startSystem() throws Exception {
        Path bundle = TinyBundle.get();
        ModelBundle opened = ModelBundle.open(bundle);
        sieve = LocalSieve.start(
                backend(),
                null,
                new LocalSieve.Options(
                        SieveResources.uniquePrefix("e2e"),
                        0,
                        Map.of(
                                EnvironmentVariables.REALTIME_BUDGET_MS, "5000",
                                EnvironmentVariables.BATCH_CHUNK_ITEMS, "7",
                                EnvironmentVariables.MAX_REQUEST_ITEMS, "500",
                                EnvironmentVariables.REALTIME_MAX_ITEMS, "200")),
                GateLoading.load(opened),
                bundle.toString());
        sieve.launchWorkers(new LocalModels(Path.of("target"), System.err::println).workerLauncher(opened));
    }

    @AfterEach
    void stopSystem() {
        if (sieve != null) {
            sieve.close();
        }
    }

    private record Reply(int status, JsonNode json) {}

    private Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sieve.apiUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + sieve.token(TENANT));
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.validateResponse(method, path, response.statusCode(), response.body()))
                .as("%s %s → %s conforms to the OpenAPI document", method, path, response.statusCode())
                .isEmpty();
        return new Reply(response.statusCode(), Json.read(response.body(), JsonNode.class));
    }

    private static String request(String mode, int count, long seed) {
        Random random = new Random(seed);
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(Map.of("id", "r" + i, "text", TinyBundle.text(random, random.nextBoolean())));
        }
        return Json.write(Map.of("mode", mode, "items", items));
    }

    private JsonNode awaitComplete(String requestId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Reply reply = call("GET", "/v1/results/" + requestId, null);
        while (!reply.json().path("status").asText().equals("complete") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            reply = call("GET", "/v1/results/" + requestId, null);
        }
        assertThat(reply.json().path("status").asText())
                .as("request %s completes", requestId)
                .isEqualTo("complete");
        return reply.json();
    }

    private static void assertEveryItemAnsweredOnce(JsonNode results, int count) {
        Set<String> ids = new HashSet<>();
        for (JsonNode item : results.path("items")) {
            assertThat(ids.add(item.path("id").asText()))
                    .as("item %s appears once", item.path("id"))
                    .isTrue();
            assertThat(item.path("status").asText()).isEqualTo("complete");
            assertThat(item.path("label").asText()).isIn("spam", "ham");
            assertThat(item.path("confidence").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(ids).hasSize(count);
    }

    @Test
    void realtime_whenItemsAreUncertain_expertAnswersWithinTheRequestOrSoonAfter() throws Exception {
        Reply reply = call("POST", "/v1/classify", request("realtime", 40, 1));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("mode").asText()).isEqualTo("realtime");
        JsonNode counts = reply.json().path("counts");
        assertThat(counts.path("expert").asInt() + counts.path("pending").asInt())
                .as("some items are escalated")
                .isPositive();
        JsonNode results = awaitComplete(reply.json().path("request_id").asText());
        assertEveryItemAnsweredOnce(results, 40);
        assertThat(results.path("counts").path("expert").asInt()).isPositive();
    }

    @Test
    void async_whenRequested_answers202AndResultsCompleteByPolling() throws Exception {
        Reply reply = call("POST", "/v1/classify", request("async", 30, 2));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().path("results_url").asText()).contains("/v1/results/");
        assertEveryItemAnsweredOnce(
                awaitComplete(reply.json().path("request_id").asText()), 30);
    }

    @Test
    void upload_whenBodyPutToPresignedUrl_isAnsweredAsync() throws Exception {
        String body = request("auto", 50, 3);
        Reply ticket = call(
                "POST", "/v1/uploads", "{\"content_length\":" + body.getBytes(StandardCharsets.UTF_8).length + "}");
        assertThat(ticket.status()).isEqualTo(201);

        HttpResponse<String> put = http.send(
                HttpRequest.newBuilder(
                                URI.create(ticket.json().path("upload_url").asText()))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);

        assertEveryItemAnsweredOnce(
                awaitComplete(ticket.json().path("request_id").asText()), 50);
    }

    @Test
    void batch_whenManifestDropped_outputHasOneLinePerInputInOrder() throws Exception {
        Random random = new Random(4);
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            manifest.append(Json.write(Map.of("id", "b" + i, "text", TinyBundle.text(random, random.nextBoolean()))))
                    .append('\n');
        }
        String bucket = sieve.resources().bucketName();
        try (S3Client s3 = sieve.backend().s3().get()) {
            s3.putObject(
                    b -> b.bucket(bucket).key("jobs/in/" + TENANT + "/e2e.jsonl"),
                    RequestBody.fromString(manifest.toString()));
            // the bucket watch starts the job; POST /v1/jobs for the same object returns the same job
            Reply job = call("POST", "/v1/jobs", "{\"manifest\":\"jobs/in/" + TENANT + "/e2e.jsonl\"}");
            assertThat(job.status()).isEqualTo(202);
            String jobId = job.json().path("job_id").asText();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!job.json().path("state").asText().equals("complete") && System.nanoTime() < deadline) {
                Thread.sleep(250);
                job = call("GET", "/v1/jobs/" + jobId, null);
            }
            assertThat(job.json().path("state").asText()).isEqualTo("complete");
            assertThat(job.json().path("chunks").asInt()).isEqualTo(5);
            assertThat(job.json().path("lost").asInt()).isZero();

            List<String> lines = s3.getObjectAsBytes(b -> b.bucket(bucket).key("jobs/out/" + TENANT + "/e2e.out"))
                    .asUtf8String()
                    .lines()
                    .toList();
            assertThat(lines).hasSize(30);
            for (int i = 0; i < 30; i++) {
                JsonNode line = Json.read(lines.get(i), JsonNode.class);
                assertThat(line.path("line").asInt()).isEqualTo(i);
                assertThat(line.path("id").asText()).isEqualTo("b" + i);
                assertThat(line.path("label").asText()).isIn("spam", "ham");
                assertThat(line.path("tier").asText()).isIn("gate", "expert");
            }
        }
    }

    @Test
    void badInputs_eachAnswer4xxNamingFieldAndRule() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"items\":[",
                "body",
                "{\"items\":[{\"id\":\"a\"}]}",
                "items[0].text",
                "{\"items\":[{\"id\":\"a\",\"text\":1}]}",
                "items[0].text",
                "{\"items\":[{\"id\":\"a\",\"text\":\"x\"},{\"id\":\"a\",\"text\":\"y\"}]}",
                "items[1].id",
                "{\"items\":[{\"id\":\"a\",\"text\":\"x\"}],\"mode\":\"now\"}",
                "mode",
                request("auto", 501, 5),
                "items");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            Reply reply = call("POST", "/v1/classify", bad.getKey());
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().path("error").path("field").asText()).isEqualTo(bad.getValue());
        }
        assertThat(call("GET", "/v1/results/no-such-request", null).status()).isEqualTo(404);
        Reply tooLarge = call(
                "POST",
                "/v1/classify",
                "{\"items\":[{\"id\":\"a\",\"text\":\"" + "x".repeat(6 * 1024 * 1024) + "\"}]}");
        assertThat(tooLarge.status()).isEqualTo(413);
    }
}
