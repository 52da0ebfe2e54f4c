package dev.sieve.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.bench.SyntheticGate;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local system's own plumbing over real HTTP and the embedded emulators: the HTTP adapter, the
 * bucket watch that stands in for S3 notifications, and the jobs-queue trigger. The gate is a fixed
 * confident scorer, so no worker is needed here (the end-to-end tests run the real ones).
 */
class LocalSieveIT {

    @org.junit.jupiter.api.BeforeAll
    static void quiet() {
        LocalCommand.quietLogs();
    }

    private static LoadedGate confidentGate() {
        return SyntheticGate.confident("v1");
    }

    @Test
    void localSystem_whenCalledOverHttpAndThroughTheBucket_answersBoth() throws Exception {
        try (LocalSieve sieve = LocalSieve.start(
                AwsBackend.of(LocalAws.shared()),
                null,
                new LocalSieve.Options(SieveResources.uniquePrefix("local"), 0, Map.of("SIEVE_BATCH_CHUNK_ITEMS", "3")),
                confidentGate(),
                "unused")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> reply = http.send(
                    HttpRequest.newBuilder(URI.create(sieve.apiUrl() + "/v1/classify"))
                            .header("authorization", "Bearer " + sieve.token("demo"))
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"items\":[{\"id\":\"1\",\"text\":\"free money\"},{\"id\":\"2\",\"text\":\"hi\"}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            JsonNode body = Json.read(reply.body(), JsonNode.class);
            assertThat(body.path("items"))
                    .extracting(n -> n.path("label").asText())
                    .containsExactly("spam", "ham");
            assertThat(body.path("results_url").asText())
                    .startsWith(sieve.apiUrl().toString());
            assertThat(reply.headers().firstValue("content-type")).hasValue("application/json");

            String bucket = sieve.resources().bucketName();
            try (S3Client s3 = sieve.backend().s3().get()) {
                s3.putObject(
                        b -> b.bucket(bucket).key("jobs/in/demo/watch.jsonl"),
                        RequestBody.fromString(
                                "{\"text\":\"free\"}\n{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n"));
                long deadline = System.nanoTime() + 20_000_000_000L;
                boolean written = false;
                while (!written && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    written = s3.listObjectsV2(b -> b.bucket(bucket).prefix("jobs/out/demo/"))
                                    .keyCount()
                            > 0;
                }
                assertThat(written)
                        .as("the bucket watch started the job and the job runner finished it")
                        .isTrue();
                List<String> lines = s3.getObjectAsBytes(b -> b.bucket(bucket).key("jobs/out/demo/watch.out"))
                        .asUtf8String()
                        .lines()
                        .toList();
                assertThat(lines).hasSize(4);
                assertThat(Json.read(lines.get(0), JsonNode.class).path("label").asText())
                        .isEqualTo("spam");
            }
            // the stack's outbox, locally: the job's completion came out of the table's stream as an event
            long eventsDeadline = System.nanoTime() + 10_000_000_000L;
            String events = "";
            while (!events.contains("Sieve Job Completed") && System.nanoTime() < eventsDeadline) {
                Thread.sleep(200);
                events = java.nio.file.Files.exists(sieve.eventsFile())
                        ? java.nio.file.Files.readString(sieve.eventsFile())
                        : "";
            }
            assertThat(events)
                    .contains("\"detail-type\":\"Sieve Job Completed\"")
                    .contains("\"tenant\":\"demo\"")
                    .doesNotContain("free");
            assertThat(sieve.describe(List.of("demo", "beta")))
                    .contains("  tenant demo  token ey")
                    .contains("  tenant beta  token ey")
                    .contains("export AWS_ENDPOINT_URL_SQS=")
                    .contains(sieve.eventsFile().toString())
                    .contains(sieve.apiUrl().toString());
        }
    }
}
