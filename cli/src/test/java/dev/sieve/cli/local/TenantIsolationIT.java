package dev.sieve.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.bench.SyntheticGate;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.json.Json;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two tenants on the local system over real HTTP (the local issuer's tokens, the real handler, DynamoDB
 * Local): neither sees the other's requests or jobs, a call without a token is refused, and a tenant over
 * its quota is refused while the other is not.
 */
class TenantIsolationIT {
    private static final String A = "alpha";
    private static final String B = "beta";
    /** Tenant with a tiny quota: 2 items/s with a 1 s burst, 1,000 a day. */
    private static final String SMALL = "small";
    /** Tenant with a tiny daily quota. */
    private static final String DAILY = "daily";
    /** Tenant with a daily quota that one batch job uses up. */
    private static final String JOBDAY = "jobday";

    private static LocalSieve sieve;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        LocalCommand.quietLogs();
        sieve = LocalSieve.start(
                AwsBackend.of(LocalAws.shared()),
                null,
                new LocalSieve.Options(
                        SieveResources.uniquePrefix("tenants"),
                        0,
                        Map.of(
                                EnvironmentVariables.QUOTA_OVERRIDES,
                                "{\"" + SMALL + "\":{\"items_per_second\":2,\"burst_seconds\":1}," + "\"" + DAILY
                                        + "\":{\"daily_items\":3},\"" + JOBDAY + "\":{\"daily_items\":3}}")),
                confidentGate(),
                "unused");
    }

    @AfterAll
    static void stop() {
        if (sieve != null) {
            sieve.close();
        }
    }

    private record Reply(int status, JsonNode json, HttpResponse<String> raw) {}

    private Reply call(String tenant, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sieve.apiUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (tenant != null) {
            request.header("authorization", "Bearer " + sieve.token(tenant));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), Json.read(response.body(), JsonNode.class), response);
    }

    private static String items(int count) {
        StringBuilder body = new StringBuilder("{\"items\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"text\":\"hi\"}");
        }
        return body.append("]}").toString();
    }

    @Test
    void results_ofAnotherTenant_answer404ExactlyAsAnUnknownId() throws Exception {
        Reply created = call(A, "POST", "/v1/classify", items(2));
        assertThat(created.status()).isEqualTo(200);
        String id = created.json().path("request_id").asText();

        assertThat(call(A, "GET", "/v1/results/" + id, null).status()).isEqualTo(200);
        Reply theirs = call(B, "GET", "/v1/results/" + id, null);
        Reply unknown = call(B, "GET", "/v1/results/" + java.util.UUID.randomUUID(), null);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.json().path("error").path("code").asText())
                .isEqualTo(unknown.json().path("error").path("code").asText())
                .isEqualTo("not_found");
    }

    @Test
    void jobs_ofAnotherTenant_answer404_andTheirManifestsCannotBeNamed() throws Exception {
        String key = "jobs/in/" + A + "/mine.jsonl";
        try (S3Client s3 = sieve.backend().s3().get()) {
            s3.putObject(
                    b -> b.bucket(sieve.resources().bucketName()).key(key),
                    RequestBody.fromString("{\"text\":\"free\"}\n{\"text\":\"hi\"}\n"));
        }
        Reply job = call(A, "POST", "/v1/jobs", "{\"manifest\":\"" + key + "\"}");
        assertThat(job.status()).isEqualTo(202);
        String jobId = job.json().path("job_id").asText();
        assertThat(jobId).matches("[0-9a-f]{24}");

        assertThat(call(A, "GET", "/v1/jobs/" + jobId, null).status()).isEqualTo(200);
        assertThat(call(B, "GET", "/v1/jobs/" + jobId, null).status()).isEqualTo(404);
        Reply naming = call(B, "POST", "/v1/jobs", "{\"manifest\":\"" + key + "\"}");
        assertThat(naming.status()).isEqualTo(400);
        assertThat(naming.json().path("error").path("field").asText()).isEqualTo("manifest");
        assertThat(call(A, "POST", "/v1/jobs", "{\"manifest\":\"" + key + "\"}")
                        .json()
                        .path("job_id")
                        .asText())
                .as("the same manifest version is the same job")
                .isEqualTo(jobId);
    }

    @Test
    void calls_withoutAValidToken_answer401_butTheOpenApiDocumentIsServed() throws Exception {
        Reply none = call(null, "POST", "/v1/classify", items(1));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("error").path("code").asText()).isEqualTo("unauthenticated");
        assertThat(none.json().path("error").path("message").asText()).contains("Authorization: Bearer");
        assertThat(none.raw().headers().firstValue("www-authenticate"))
                .get()
                .asString()
                .startsWith("Bearer");
        assertThat(call(null, "GET", "/v1/results/x", null).status()).isEqualTo(401);

        String forged = LocalIssuer.ephemeral().token(A, Duration.ofMinutes(5));
        HttpResponse<String> wrongKey = http.send(
                HttpRequest.newBuilder(URI.create(sieve.apiUrl() + "/v1/results/x"))
                        .header("authorization", "Bearer " + forged)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongKey.statusCode()).isEqualTo(401);

        assertThat(call(null, "GET", "/v1/openapi.json", null).status()).isEqualTo(200);
    }

    @Test
    void calls_withANonLoopbackHostHeader_areRefused() throws Exception {
        URI api = sieve.apiUrl();
        try (Socket socket = new Socket(api.getHost(), api.getPort())) {
            socket.getOutputStream()
                    .write(("GET /v1/openapi.json HTTP/1.1\r\nHost: attacker.example:" + api.getPort()
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 403").contains("host_not_allowed");
        }
    }

    @Test
    void aTenantOverItsRate_gets429WithRetryAfter_whileAnotherIsUnaffected() throws Exception {
        assertThat(call(SMALL, "POST", "/v1/classify", items(2)).status()).isEqualTo(200);

        Reply over = call(SMALL, "POST", "/v1/classify", items(2));
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.json().path("error").path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(over.json().path("error").path("field").asText()).isEqualTo("items_per_second");
        long retryAfter =
                Long.parseLong(over.raw().headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);

        assertThat(call(B, "POST", "/v1/classify", items(50)).status())
                .as("another tenant is not throttled")
                .isEqualTo(200);
        Thread.sleep(retryAfter * 1000 + 100);
        assertThat(call(SMALL, "POST", "/v1/classify", items(2)).status())
                .as("after Retry-After")
                .isEqualTo(200);
    }

    @Test
    void aTenantOverItsDailyItems_gets429UntilMidnight_whileAnotherIsUnaffected() throws Exception {
        assertThat(call(DAILY, "POST", "/v1/classify", items(2)).status()).isEqualTo(200);

        Reply over = call(DAILY, "POST", "/v1/classify", items(2));
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.json().path("error").path("field").asText()).isEqualTo("daily_items");
        assertThat(Long.parseLong(over.raw().headers().firstValue("retry-after").orElseThrow()))
                .isBetween(1L, 86_401L);
        assertThat(call(DAILY, "POST", "/v1/classify", items(1)).status())
                .as("a refused request used none of the day's allowance")
                .isEqualTo(200);
        assertThat(call(A, "POST", "/v1/classify", items(3)).status()).isEqualTo(200);
    }

    @Test
    void aBatchJobsLines_countTowardTheDay_andAJobOnAUsedUpDayGets429() throws Exception {
        String key = "jobs/in/" + JOBDAY + "/four.jsonl";
        try (S3Client s3 = sieve.backend().s3().get()) {
            s3.putObject(
                    b -> b.bucket(sieve.resources().bucketName()).key(key),
                    RequestBody.fromString("{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n{\"text\":\"d\"}\n"));
        }
        // Room left today: the job starts (a started job is never refused half-way) ...
        Reply job = call(JOBDAY, "POST", "/v1/jobs", "{\"manifest\":\"" + key + "\"}");
        assertThat(job.status()).isEqualTo(202);
        String jobId = job.json().path("job_id").asText();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode state = call(JOBDAY, "GET", "/v1/jobs/" + jobId, null).json();
            if ("complete".equals(state.path("state").asText())) {
                break;
            }
            assertThat(System.nanoTime())
                    .as("job complete within 60 s: %s", state)
                    .isLessThan(until);
            Thread.sleep(200);
        }

        // ... and its 4 lines used up the day's 3: new work is refused until midnight UTC.
        String other = "jobs/in/" + JOBDAY + "/more.jsonl";
        try (S3Client s3 = sieve.backend().s3().get()) {
            s3.putObject(
                    b -> b.bucket(sieve.resources().bucketName()).key(other),
                    RequestBody.fromString("{\"text\":\"e\"}\n"));
        }
        Reply refused = call(JOBDAY, "POST", "/v1/jobs", "{\"manifest\":\"" + other + "\"}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("error").path("field").asText()).isEqualTo("daily_items");
        assertThat(refused.raw().headers().firstValue("retry-after")).isPresent();
        assertThat(call(JOBDAY, "POST", "/v1/classify", items(1)).status()).isEqualTo(429);
        assertThat(call(B, "POST", "/v1/classify", items(1)).status()).isEqualTo(200);
    }

    private static LoadedGate confidentGate() {
        return SyntheticGate.confident("v1");
    }
}
