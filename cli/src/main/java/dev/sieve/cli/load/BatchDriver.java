package dev.sieve.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.S3Location;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.tenant.Tenant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The batch-manifest workload of one load step, driven without Gatling (a job is a file, a POST and minutes
 * of polling, not a request): each job writes a JSON Lines manifest of {@code itemsPerRequest} labeled items
 * to {@code jobs/in/<tenant>/}, starts it with {@code POST /v1/jobs}, polls {@code GET /v1/jobs/{id}} until
 * it is complete or failed, and reads every line of the output. Closed model: {@code level} jobs in flight,
 * each followed by the next; open model: {@code level} new jobs per second. Every response is checked against
 * the OpenAPI document, and every output line becomes an answer, so a dropped or doubled item shows.
 */
final class BatchDriver {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private final URI baseUrl;
    private final String bearer;
    private final S3Client s3;
    private final String bucket;
    private final Tenant tenant;
    private final List<LabeledItem> items;
    private final AtomicLong sequence;
    private final AtomicLong cursor;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    BatchDriver(
            URI baseUrl,
            String bearer,
            S3Client s3,
            String bucket,
            Tenant tenant,
            List<LabeledItem> items,
            AtomicLong sequence,
            AtomicLong cursor) {
        this.baseUrl = baseUrl;
        this.bearer = bearer;
        this.s3 = s3;
        this.bucket = bucket;
        this.tenant = tenant;
        this.items = items;
        this.sequence = sequence;
        this.cursor = cursor;
    }

    /** Runs one step; returns when every job it started has finished or run out of {@code settle}. */
    void run(Workload workload, int level, Duration duration, Duration settle, LoadRecorder recorder)
            throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "load-batch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            if (workload.model() == Workload.Model.CLOSED) {
                for (int user = 0; user < level; user++) {
                    pool.execute(() -> {
                        while (System.nanoTime() < end) {
                            oneJob(workload.itemsPerRequest(), settle, recorder);
                        }
                    });
                }
            } else {
                long periodNanos = 1_000_000_000L / level;
                for (long next = System.nanoTime(); next < end; next += periodNanos) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                    pool.execute(() -> oneJob(workload.itemsPerRequest(), settle, recorder));
                }
            }
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(duration.plus(settle).toSeconds() + 30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        }
    }

    /** One job from manifest to output; its outcome goes to {@code recorder}. */
    private void oneJob(int size, Duration settle, LoadRecorder recorder) {
        long seq = sequence.incrementAndGet();
        List<String> ids = new ArrayList<>(size);
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < size; i++) {
            LabeledItem item = items.get((int) (cursor.getAndIncrement() % items.size()));
            // unique within the manifest too: a manifest larger than the data repeats its items
            String id = item.id() + LoadRecorder.SEQ_SEPARATOR + seq + "-" + i;
            ids.add(id);
            manifest.append(Json.write(Map.of("id", id, "text", item.text()))).append('\n');
        }
        recorder.sent(seq, ids);
        byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        recorder.manifestBytes(manifestBytes.length);
        String key = BucketLayout.jobsIn(tenant) + "load-" + runId + "-" + seq + ".jsonl";
        long start = System.nanoTime();
        List<LoadRecorder.Answer> answers = new ArrayList<>();
        int status = 0;
        String error;
        try {
            s3.putObject(
                    b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"),
                    RequestBody.fromBytes(manifestBytes));
            Reply posted = call("post", "/v1/jobs", "/v1/jobs", Json.write(Map.of("manifest", key)), recorder);
            status = posted.status();
            JsonNode job = posted.body();
            error = posted.status() == 202 ? null : "POST /v1/jobs answered " + posted.status();
            long deadline = start + settle.toNanos();
            while (error == null && !finished(job)) {
                if (System.nanoTime() > deadline) {
                    error = "job still " + job.path("state").asText() + " after " + settle.toSeconds() + " s";
                    break;
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
                Reply polled = call("get", "/v1/jobs/" + job.path("job_id").asText(), "/v1/jobs/{id}", null, recorder);
                status = polled.status();
                if (polled.status() != 200) {
                    error = "GET /v1/jobs/{id} answered " + polled.status();
                } else {
                    job = polled.body();
                }
            }
            if (error == null) {
                error = readOutput(job, answers, recorder);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (IOException | RuntimeException e) {
            error = "job failed: " + e;
        }
        recorder.finished(seq, start, System.nanoTime(), status, error, answers);
    }

    private static boolean finished(JsonNode job) {
        String state = job == null ? "" : job.path("state").asText();
        return state.equals("complete") || state.equals("failed");
    }

    /** Reads the output's lines as answers; the error of a failed job or of lines without a label, else null. */
    private String readOutput(JsonNode job, List<LoadRecorder.Answer> answers, LoadRecorder recorder)
            throws IOException {
        if (job.path("state").asText().equals("failed")) {
            return "job failed: " + job.path("error").asText();
        }
        S3Location output = S3Location.parse(job.path("output").asText());
        long unlabeled = 0;
        String firstError = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                s3.getObject(b -> b.bucket(output.bucket()).key(output.key())), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                recorder.outputBytes(line.getBytes(StandardCharsets.UTF_8).length + 1L);
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.read(line, JsonNode.class);
                if (node.hasNonNull("error")) {
                    unlabeled++;
                    firstError = firstError == null ? node.path("error").asText() : firstError;
                    continue;
                }
                answers.add(new LoadRecorder.Answer(
                        node.path("id").asText(),
                        node.path("label").asText(null),
                        node.path("tier").asText(null)));
            }
        }
        if (unlabeled > 0 || job.path("lost").asLong(0) > 0) {
            return unlabeled + " output lines without a label (lost "
                    + job.path("lost").asLong(0) + "; first: " + firstError + ")";
        }
        return null;
    }

    private record Reply(int status, JsonNode body) {}

    private Reply call(String method, String path, String template, String body, LoadRecorder recorder)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        request.method(
                method.toUpperCase(java.util.Locale.ROOT),
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(
                response.statusCode(), recorder.response(method, template, response.statusCode(), response.body()));
    }
}
