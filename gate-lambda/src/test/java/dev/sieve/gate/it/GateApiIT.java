package dev.sieve.gate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.api.HttpApiHandler;
import dev.sieve.gate.api.OpenApiValidator;
import dev.sieve.gate.batch.CompletionEvents;
import dev.sieve.gate.batch.S3JobHandler;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.job.JobTask;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.metrics.MetricNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/** The gate's API and job handlers over the embedded AWS emulators, with the worker's contract stood in. */
class GateApiIT {
    private static final LocalAws AWS = LocalAws.shared();
    private static final String UPLOAD_BODY = ApiEvents.items("maybe big", "spam big", "plain");

    private AwsClients clients;
    private GateRuntime runtime;
    private HttpApiHandler api;
    private S3JobHandler jobs;
    private OppositeExpert responder;
    private SieveResources resources;
    private String jobsQueueUrl;
    private final List<CompletionEvents.JobCompleted> completed = new CopyOnWriteArrayList<>();
    private final OpenApiValidator openApi = new OpenApiValidator(GateRuntime.openApi());
    private final AtomicBoolean responding = new AtomicBoolean();
    private Thread responderThread;

    private final List<String> metricLines = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        String prefix = SieveResources.uniquePrefix("gate");
        resources = SieveResources.create(AWS, prefix);
        clients = new AwsClients(AWS.sqsClient(), AWS.dynamoDbClient(), AWS.s3Client(), AWS.s3Presigner());
        jobsQueueUrl =
                clients.sqs().createQueue(b -> b.queueName(prefix + "-jobs")).queueUrl();
        Map<String, String> env = new HashMap<>(resources.environment());
        env.put(EnvironmentVariables.JOBS_QUEUE_URL, jobsQueueUrl);
        env.put(EnvironmentVariables.BUNDLE_URI, "unused");
        env.put(EnvironmentVariables.API_BASE_URL, "http://localhost:0");
        env.put(EnvironmentVariables.REALTIME_BUDGET_MS, "3000");
        env.put(EnvironmentVariables.REALTIME_MAX_ITEMS, "50");
        env.put(EnvironmentVariables.MAX_REQUEST_ITEMS, "200");
        env.put(EnvironmentVariables.BATCH_CHUNK_ITEMS, "10");
        GateConfig config = GateConfig.fromEnvironment(env);
        runtime = GateRuntime.create(
                config,
                clients,
                KeywordScorer.gate(),
                EmfMetrics.to(
                        MetricNames.DEFAULT_NAMESPACE,
                        Map.of(MetricNames.SERVICE, MetricNames.GATE_SERVICE),
                        metricLines::add,
                        Clock.systemUTC()),
                completed::add,
                Clock.systemUTC());
        api = new HttpApiHandler(runtime.routes());
        jobs = new S3JobHandler(runtime);
        responder = new OppositeExpert(
                clients.sqs(),
                clients.dynamoDb(),
                clients.s3(),
                resources.tableName(),
                resources.bucketName(),
                jobsQueueUrl);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        stopResponder();
        runtime.close();
    }

    private void startResponder() {
        responding.set(true);
        responderThread = new Thread(() -> {
            while (responding.get()) {
                int handled = responder.drain(resources.realtimeQueueUrl())
                        + responder.drain(resources.asyncQueueUrl())
                        + responder.drain(resources.batchQueueUrl());
                if (handled == 0) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        responderThread.start();
    }

    private void stopResponder() throws InterruptedException {
        responding.set(false);
        if (responderThread != null) {
            responderThread.join();
        }
    }

    private record Reply(int status, JsonNode json, Map<String, String> headers) {}

    private Reply call(String method, String path, String body) {
        return callAs(Map.of("sub", "user-1", "tenant", ApiEvents.TENANT), method, path, body);
    }

    /** A call whose JWT authorizer passed {@code claims} (null: no authorizer context). */
    private Reply callAs(Map<String, String> claims, String method, String path, String body) {
        return callWith(claims, Map.of(), method, path, body);
    }

    private Reply callWith(
            Map<String, String> claims, Map<String, String> headers, String method, String path, String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.event(method, path, body, claims, headers);
        APIGatewayV2HTTPResponse response = api.handleRequest(event, null);
        assertThat(openApi.validateResponse(method, path, response.getStatusCode(), response.getBody()))
                .as(
                        "%s %s → %s %s conforms to the OpenAPI document",
                        method, path, response.getStatusCode(), response.getBody())
                .isEmpty();
        try {
            return new Reply(
                    response.getStatusCode(), Json.mapper().readTree(response.getBody()), response.getHeaders());
        } catch (IOException e) {
            throw new AssertionError("response is not JSON: " + response.getBody(), e);
        }
    }

    @Test
    void classify_whenSomeItemsUncertain_answersGateItemsAndAwaitsTheExpert() {
        startResponder();

        Reply reply = call("POST", "/v1/classify", ApiEvents.items("cheap spam now", "hello friend", "maybe a deal"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("mode").asText()).isEqualTo("realtime");
        assertThat(reply.json().path("status").asText()).isEqualTo("complete");
        JsonNode answered = reply.json().path("items");
        assertThat(answered).hasSize(3);
        assertThat(answered.get(0).path("tier").asText()).isEqualTo("gate");
        assertThat(answered.get(0).path("label").asText()).isEqualTo("spam");
        assertThat(answered.get(1).path("label").asText()).isEqualTo("ham");
        assertThat(answered.get(2).path("tier").asText()).isEqualTo("expert");
        assertThat(answered.get(2).path("label").asText()).isEqualTo("ham"); // the responder flips the gate's "spam"
        assertThat(reply.json().path("counts").path("expert").asInt()).isEqualTo(1);
        JsonNode routing = metricLines.stream()
                .map(line -> Json.read(line, JsonNode.class))
                .filter(node -> node.has(MetricNames.GATE_ITEMS))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + MetricNames.GATE_ITEMS + " metric in " + metricLines));
        assertThat(routing.path(MetricNames.GATE_ITEMS).asDouble()).isEqualTo(3);
        assertThat(routing.path(MetricNames.ESCALATED_ITEMS).asDouble()).isEqualTo(1);
        assertThat(routing.path(MetricNames.GATE_ANSWERED_ITEMS).asDouble()).isEqualTo(2);
        assertThat(routing.path("_aws")
                        .path("CloudWatchMetrics")
                        .get(0)
                        .path("Dimensions")
                        .get(0))
                .as("the dashboard reads these under the service dimension only")
                .hasSize(1);
    }

    @Test
    void classify_whenExpertTooSlow_returnsPendingThenResultsCompleteLater() {
        Reply reply = call("POST", "/v1/classify", ApiEvents.items("hello", "maybe one", "maybe two"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asText()).isEqualTo("partial");
        assertThat(reply.json().path("counts").path("pending").asInt()).isEqualTo(2);
        assertThat(reply.json().path("items").get(1).path("status").asText()).isEqualTo("pending");
        String requestId = reply.json().path("request_id").asText();
        assertThat(reply.json().path("results_url").asText()).endsWith("/v1/results/" + requestId);

        responder.drain(resources.realtimeQueueUrl());
        Reply results = call("GET", "/v1/results/" + requestId, null);

        assertThat(results.status()).isEqualTo(200);
        assertThat(results.json().path("status").asText()).isEqualTo("complete");
        assertThat(results.json().path("items"))
                .extracting(n -> n.path("tier").asText())
                .containsExactly("gate", "expert", "expert");
    }

    @Test
    void classify_whenAsyncRequested_answers202AndResultsArriveByPolling() {
        String body = Json.write(Map.of(
                "mode",
                "async",
                "items",
                List.of(Map.of("id", "a", "text", "maybe"), Map.of("id", "b", "text", "spam"))));

        Reply accepted = call("POST", "/v1/classify", body);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("mode").asText()).isEqualTo("async");
        assertThat(accepted.json().has("items")).isFalse();
        String requestId = accepted.json().path("request_id").asText();
        assertThat(call("GET", "/v1/results/" + requestId, null)
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("partial");

        assertThat(responder.drain(resources.asyncQueueUrl())).isEqualTo(1);
        Reply results = call("GET", "/v1/results/" + requestId, null);
        assertThat(results.json().path("status").asText()).isEqualTo("complete");
        assertThat(results.json().path("counts").path("expert").asInt()).isEqualTo(1);
    }

    @Test
    void classify_whenOverTheRealtimeCap_goesAsyncAndSaysWhy() {
        String[] texts = new String[60];
        java.util.Arrays.fill(texts, "hello");
        Reply reply = call("POST", "/v1/classify", ApiEvents.items(texts));
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().path("mode_reason").asText()).contains("60 items exceed the real-time limit of 50");
        assertThat(reply.json().path("status").asText()).isEqualTo("complete");
    }

    @Test
    void results_whenPaged_readEveryItemOnceInRequestOrderWithCountsOverAll() {
        String[] texts = new String[60];
        java.util.Arrays.fill(texts, "hello");
        String requestId = call("POST", "/v1/classify", ApiEvents.items(texts))
                .json()
                .path("request_id")
                .asText();

        List<String> ids = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply page = call(
                    "GET",
                    "/v1/results/" + requestId + "?limit=25" + (cursor == null ? "" : "&cursor=" + cursor),
                    null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().path("counts").path("items").asInt()).isEqualTo(60);
            page.json().path("items").forEach(item -> ids.add(item.path("id").asText()));
            cursor = page.json().hasNonNull("next_cursor")
                    ? page.json().path("next_cursor").asText()
                    : null;
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            expected.add("i" + i);
        }
        assertThat(ids).containsExactlyElementsOf(expected);
        // Without a limit one page holds up to 10,000 items: all 60, and no cursor.
        Reply all = call("GET", "/v1/results/" + requestId, null);
        assertThat(all.json().path("items")).hasSize(60);
        assertThat(all.json().has("next_cursor")).isFalse();
    }

    @Test
    void classify_whenRetriedWithTheSameIdempotencyKey_answersTheFirstRequestAndQueuesNothingMore() {
        Map<String, String> claims = Map.of("sub", "user-1", "tenant", ApiEvents.TENANT);
        Map<String, String> key = Map.of("idempotency-key", "retry-" + java.util.UUID.randomUUID());
        String body = Json.write(Map.of(
                "mode",
                "async",
                "items",
                List.of(Map.of("id", "a", "text", "maybe"), Map.of("id", "b", "text", "spam"))));

        Reply first = callWith(claims, key, "POST", "/v1/classify", body);
        Reply retry = callWith(claims, key, "POST", "/v1/classify", body);

        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().path("request_id").asText())
                .isEqualTo(first.json().path("request_id").asText());
        assertThat(retry.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(first.headers()).doesNotContainKey("Idempotent-Replayed");
        // One request, one queue message: the retry stored and queued nothing.
        assertThat(responder.drain(resources.asyncQueueUrl())).isEqualTo(1);
        assertThat(callWith(
                                claims,
                                key,
                                "GET",
                                "/v1/results/" + first.json().path("request_id").asText(),
                                null)
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("complete");

        // The same key with another body is the client's mistake, named.
        Reply other = callWith(claims, key, "POST", "/v1/classify", ApiEvents.items("another"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("error").path("field").asText()).isEqualTo("Idempotency-Key");
        // Another tenant's same key is its own.
        Reply globex = callWith(Map.of("sub", "g", "tenant", "globex"), key, "POST", "/v1/classify", body);
        assertThat(globex.status()).isEqualTo(202);
        assertThat(globex.json().path("request_id").asText())
                .isNotEqualTo(first.json().path("request_id").asText());
        // A key that is not printable ASCII is a 400 naming the header.
        Reply bad = callWith(claims, Map.of("idempotency-key", "has space"), "POST", "/v1/classify", body);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void results_whenCursorOrLimitIsBad_answers400NamingTheParameter() {
        String requestId = call("POST", "/v1/classify", ApiEvents.items("hello"))
                .json()
                .path("request_id")
                .asText();
        for (String[] bad : new String[][] {
            {"?limit=0", "limit"},
            {"?limit=10001", "limit"},
            {"?limit=ten", "limit"},
            {"?cursor=not-a-cursor", "cursor"},
            {"?cursor=%zz", "query"}
        }) {
            Reply reply = call("GET", "/v1/results/" + requestId + bad[0], null);
            assertThat(reply.status()).as(bad[0]).isEqualTo(400);
            assertThat(reply.json().path("error").path("field").asText())
                    .as(bad[0])
                    .isEqualTo(bad[1]);
        }
    }

    @Test
    void upload_whenBodyPutToPresignedUrl_isProcessedAsAsyncRequest() throws Exception {
        Reply ticket = call("POST", "/v1/uploads", "{\"content_length\":" + UPLOAD_BODY.length() + "}");
        assertThat(ticket.status()).isEqualTo(201);
        String requestId = ticket.json().path("request_id").asText();
        assertThat(call("GET", "/v1/results/" + requestId, null)
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("awaiting_upload");

        HttpResponse<String> put = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        ticket.json().path("upload_url").asText()))
                                .PUT(HttpRequest.BodyPublishers.ofString(UPLOAD_BODY))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        jobs.onObjectCreated("uploads/" + ApiEvents.TENANT + "/" + requestId
                + ".json"); // S3 notification (local mode polls instead)
        jobs.onObjectCreated(
                "uploads/" + ApiEvents.TENANT + "/" + requestId + ".json"); // a redelivered event changes nothing
        assertThat(responder.drain(resources.asyncQueueUrl())).isEqualTo(1);

        Reply results = call("GET", "/v1/results/" + requestId, null);
        assertThat(results.json().path("status").asText()).isEqualTo("complete");
        assertThat(results.json().path("items"))
                .extracting(n -> n.path("id").asText())
                .containsExactly("i0", "i1", "i2");
    }

    @Test
    void upload_whenBodyBreaksARule_requestFailsNamingTheField() throws Exception {
        Reply ticket = call("POST", "/v1/uploads", "{\"content_length\":" + UPLOAD_BODY.length() + "}");
        String requestId = ticket.json().path("request_id").asText();
        clients.s3()
                .putObject(
                        b -> b.bucket(resources.bucketName())
                                .key("uploads/" + ApiEvents.TENANT + "/" + requestId + ".json"),
                        RequestBody.fromString("{\"items\":[{\"id\":\"a\"}]}"));
        jobs.onObjectCreated("uploads/" + ApiEvents.TENANT + "/" + requestId + ".json");

        Reply results = call("GET", "/v1/results/" + requestId, null);
        assertThat(results.json().path("status").asText()).isEqualTo("failed");
        assertThat(results.json().path("error").path("field").asText()).isEqualTo("items[0].text");
    }

    @Test
    void job_whenManifestUploaded_writesOneOutputLinePerInputLineInOrder() {
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            String text = i % 3 == 0 ? "maybe " + i : i % 3 == 1 ? "spam " + i : "hello " + i;
            manifest.append(i == 7 ? "not json" : Json.write(Map.of("id", "m" + i, "text", text)))
                    .append('\n');
        }
        clients.s3()
                .putObject(
                        b -> b.bucket(resources.bucketName()).key("jobs/in/acme/demo.jsonl"),
                        RequestBody.fromString(manifest.toString()));

        jobs.onObjectCreated("jobs/in/acme/demo.jsonl");
        jobs.onObjectCreated("jobs/in/acme/demo.jsonl"); // duplicate S3 event: same job, no second run
        runJobsUntilQuiet();

        assertThat(completed).hasSize(1);
        String jobId = completed.get(0).jobId();
        Reply status = call("GET", "/v1/jobs/" + jobId, null);
        assertThat(status.json().path("state").asText()).isEqualTo("complete");
        assertThat(status.json().path("chunks").asInt()).isEqualTo(3);
        assertThat(status.json().path("lost").asInt()).isZero();
        List<String> lines = clients.s3()
                .getObjectAsBytes(b -> b.bucket(resources.bucketName()).key("jobs/out/acme/demo.out"))
                .asUtf8String()
                .lines()
                .toList();
        assertThat(lines).hasSize(25);
        for (int i = 0; i < 25; i++) {
            JsonNode line = Json.read(lines.get(i), JsonNode.class);
            assertThat(line.path("line").asInt()).isEqualTo(i);
            if (i == 7) {
                assertThat(line.path("error").asText()).contains("not valid JSON");
            } else {
                assertThat(line.path("id").asText()).isEqualTo("m" + i);
                assertThat(line.path("tier").asText()).isEqualTo(i % 3 == 0 ? "expert" : "gate");
            }
        }
    }

    @Test
    void results_whenAnotherTenantAsks_answers404ExactlyAsAnUnknownId() {
        String requestId = call("POST", "/v1/classify", ApiEvents.items("hello"))
                .json()
                .path("request_id")
                .asText();
        assertThat(call("GET", "/v1/results/" + requestId, null).status()).isEqualTo(200);

        Reply other = callAs(Map.of("tenant", "beta"), "GET", "/v1/results/" + requestId, null);
        Reply unknown = call("GET", "/v1/results/" + java.util.UUID.randomUUID(), null);

        assertThat(other.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(other.json().path("error").path("code").asText())
                .isEqualTo(unknown.json().path("error").path("code").asText());
        assertThat(other.json().path("error").path("message").asText().replace(requestId, "ID"))
                .isEqualTo(unknown.json().path("error").path("message").asText().replaceAll("[0-9a-f-]{36}", "ID"));
    }

    @Test
    void tenant_whenTokenHasNoTenantClaim_isItsSubject() {
        String requestId = callAs(Map.of("sub", "solo"), "POST", "/v1/classify", ApiEvents.items("hi"))
                .json()
                .path("request_id")
                .asText();
        assertThat(callAs(Map.of("tenant", "solo"), "GET", "/v1/results/" + requestId, null)
                        .status())
                .isEqualTo(200);
        assertThat(callAs(Map.of("sub", "x/y"), "GET", "/v1/results/" + requestId, null)
                        .status())
                .as("a claim that is no valid tenant name")
                .isEqualTo(403);
    }

    @Test
    void anyRoute_withoutCredentials_answers401_exceptTheOpenApiDocument() {
        Reply classify = callAs(null, "POST", "/v1/classify", ApiEvents.items("hello"));
        assertThat(classify.status()).isEqualTo(401);
        assertThat(classify.json().path("error").path("code").asText()).isEqualTo("unauthenticated");
        assertThat(classify.json().path("error").path("message").asText()).contains("Authorization: Bearer");
        assertThat(callAs(null, "GET", "/v1/results/x", null).status()).isEqualTo(401);
        assertThat(callAs(null, "GET", "/v1/openapi.json", null).status()).isEqualTo(200);
    }

    @Test
    void upload_whenPutBodyIsLargerThanAnnounced_isRefusedBeforeAnythingIsStored() throws Exception {
        Reply ticket = call("POST", "/v1/uploads", "{\"content_length\":" + UPLOAD_BODY.length() + "}");
        assertThat(ticket.json().path("headers").path("content-length").asText())
                .as("the announced size is part of the signature")
                .isEqualTo(Integer.toString(UPLOAD_BODY.length()));
        assertThat(ticket.json().path("upload_url").asText()).contains("/uploads/" + ApiEvents.TENANT + "/");

        HttpResponse<String> put = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        ticket.json().path("upload_url").asText()))
                                .PUT(HttpRequest.BodyPublishers.ofString(UPLOAD_BODY + "          "))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(call("POST", "/v1/uploads", "{\"content_length\":0}").status())
                .isEqualTo(400);
        assertThat(call("POST", "/v1/uploads", null)
                        .json()
                        .path("error")
                        .path("field")
                        .asText())
                .isEqualTo("content_length");
    }

    @Test
    void postJob_whenManifestUnderAnotherTenantsPrefix_answers400WithoutLookingAtIt() {
        clients.s3()
                .putObject(
                        b -> b.bucket(resources.bucketName()).key("jobs/in/beta/theirs.jsonl"),
                        RequestBody.fromString("{\"text\":\"hello\"}\n"));
        Reply reply = call("POST", "/v1/jobs", "{\"manifest\":\"jobs/in/beta/theirs.jsonl\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("message").asText()).contains("jobs/in/acme/");
    }

    @Test
    void postJob_whenRetriedWithTheSameIdempotencyKey_answersTheFirstJobEvenAfterTheManifestWasOverwritten() {
        Map<String, String> claims = Map.of("sub", "user-1", "tenant", ApiEvents.TENANT);
        Map<String, String> key = Map.of("idempotency-key", "job-" + java.util.UUID.randomUUID());
        String manifestKey = "jobs/in/acme/keyed-" + java.util.UUID.randomUUID() + ".jsonl";
        clients.s3()
                .putObject(
                        b -> b.bucket(resources.bucketName()).key(manifestKey),
                        RequestBody.fromString("{\"text\":\"hello\"}\n"));
        String body = "{\"manifest\":\"" + manifestKey + "\"}";

        Reply first = callWith(claims, key, "POST", "/v1/jobs", body);
        // Overwritten before the client's retry: without the key, that retry would start a second job.
        clients.s3()
                .putObject(
                        b -> b.bucket(resources.bucketName()).key(manifestKey),
                        RequestBody.fromString("{\"text\":\"hello again\"}\n"));
        Reply retry = callWith(claims, key, "POST", "/v1/jobs", body);
        Reply unkeyed = call("POST", "/v1/jobs", body);

        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().path("job_id").asText())
                .isEqualTo(first.json().path("job_id").asText());
        assertThat(retry.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(first.headers()).doesNotContainKey("Idempotent-Replayed");
        assertThat(unkeyed.json().path("job_id").asText())
                .as("the new manifest version is another job")
                .isNotEqualTo(first.json().path("job_id").asText());

        Reply other = callWith(
                claims,
                key,
                "POST",
                "/v1/jobs",
                "{\"manifest\":\"jobs/in/acme/other-" + manifestKey.hashCode() + "\"}");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("error").path("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void postJob_whenManifestMissing_answers400NamingManifest() {
        Reply reply = call("POST", "/v1/jobs", "{\"manifest\":\"jobs/in/acme/nope.jsonl\"}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("error").path("field").asText()).isEqualTo("manifest");
    }

    @Test
    void badInputs_eachAnswer4xxNamingFieldAndRule() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{not json", "body");
        cases.put("{}", "items");
        cases.put("{\"items\":{}}", "items");
        cases.put("{\"items\":[{\"id\":\"a\"}]}", "items[0].text");
        cases.put("{\"items\":[{\"id\":\"a\",\"text\":7}]}", "items[0].text");
        cases.put("{\"items\":[{\"id\":5,\"text\":\"x\"}]}", "items[0].id");
        cases.put("{\"items\":[{\"id\":\"a\",\"text\":\"x\"}],\"mode\":\"soon\"}", "mode");
        String[] tooMany = new String[201];
        java.util.Arrays.fill(tooMany, "x");
        cases.put(ApiEvents.items(tooMany), "items");
        cases.forEach((body, field) -> {
            Reply reply = call("POST", "/v1/classify", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.json().path("error").path("code").asText()).isEqualTo("invalid_request");
            assertThat(reply.json().path("error").path("field").asText())
                    .as(body)
                    .isEqualTo(field);
            assertThat(reply.json().path("error").path("message").asText()).isNotBlank();
        });

        assertThat(call("GET", "/v1/results/0000-unknown", null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/jobs/ffffffffffffffffffffffff", null).status())
                .isEqualTo(404);
        assertThat(call("GET", "/v1/classify", null).status()).isEqualTo(405);
        Reply badEscape = call("GET", "/v1/results/%zz", null);
        assertThat(badEscape.status()).isEqualTo(400);
        assertThat(badEscape.json().path("error").path("field").asText()).isEqualTo("id");
        assertThat(call("GET", "/v1/jobs/%e", null).status()).isEqualTo(400);
        Reply loneSurrogate = call("POST", "/v1/classify", "{\"items\":[{\"id\":\"a\",\"text\":\"x\\ud800\"}]}");
        assertThat(loneSurrogate.status()).isEqualTo(400);
        assertThat(loneSurrogate.json().path("error").path("field").asText()).isEqualTo("items[0].text");
        Reply tooLarge = call(
                "POST",
                "/v1/classify",
                "{\"items\":[{\"id\":\"a\",\"text\":\"" + "x".repeat(6 * 1024 * 1024) + "\"}]}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("error").path("message").asText()).contains("/v1/uploads");
    }

    @Test
    void openApi_isServed() {
        Reply reply = call("GET", "/v1/openapi.json", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("openapi").asText()).startsWith("3.0");
    }

    /** Plays the Lambda's SQS trigger on the jobs queue and the worker on the batch queue until idle. */
    private void runJobsUntilQuiet() {
        int idleRounds = 0;
        while (idleRounds < 3) {
            List<Message> tasks = clients.sqs()
                    .receiveMessage(b ->
                            b.queueUrl(jobsQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            for (Message task : tasks) {
                jobs.onTask(Json.read(task.body(), JobTask.class));
                clients.sqs().deleteMessage(b -> b.queueUrl(jobsQueueUrl).receiptHandle(task.receiptHandle()));
            }
            int answered = responder.drain(resources.batchQueueUrl());
            idleRounds = tasks.isEmpty() && answered == 0 ? idleRounds + 1 : 0;
        }
    }
}
