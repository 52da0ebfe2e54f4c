package dev.sieve.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.RequestStore;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.tenant.Tenant;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The demo client: sends a labeled test set through a running local system the way users would
 * (HTTP in real-time mode with concurrent clients, and an S3 manifest as a batch-transform job),
 * reads every result back, and measures.
 */
public final class LocalDemo {
    static final int CLIENTS = 4;
    static final int BATCH = 20;
    private static final Duration RESULT_WAIT = Duration.ofMinutes(3);

    /** One labeled test item. */
    public record DemoItem(String id, String text, String label) {}

    private final LocalSieve sieve;
    private final String tenant;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Consumer<String> progress;

    /** A demo that calls the API as {@code tenant}, with a token from the system's issuer. */
    LocalDemo(LocalSieve sieve, String tenant, Consumer<String> progress) {
        this.sieve = sieve;
        this.tenant = tenant;
        this.token = sieve.token(tenant);
        this.progress = progress;
    }

    /**
     * @param expertOnly the expert's label for every text, for {@code f1_expert_only}; null when the
     *     bundle has no expert
     */
    DemoReport run(List<DemoItem> items, String positiveLabel, Function<List<String>, List<String>> expertOnly)
            throws Exception {
        Map<String, DemoItem> byId = new LinkedHashMap<>();
        items.forEach(item -> byId.put(item.id(), item));

        progress.accept("demo: sending " + items.size() + " items through " + sieve.apiUrl()
                + "/v1/classify (real-time, " + CLIENTS + " clients, " + BATCH + " items per request) ...");
        List<List<DemoItem>> batches = new ArrayList<>();
        for (int i = 0; i < items.size(); i += BATCH) {
            batches.add(items.subList(i, Math.min(items.size(), i + BATCH)));
        }
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> requestIds = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<DemoItem> batch : batches) {
                futures.add(clients.submit(() -> {
                    List<Map<String, String>> body = new ArrayList<>();
                    batch.forEach(item -> body.add(Map.of("id", item.id(), "text", item.text())));
                    long start = System.nanoTime();
                    JsonNode reply = post("/v1/classify", Json.write(Map.of("mode", "realtime", "items", body)), 200);
                    latencies.add((System.nanoTime() - start) / 1e6);
                    requestIds.add(reply.path("request_id").asText());
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            clients.shutdown();
        }

        progress.accept("demo: reading back every result (waiting for pending items) ...");
        Map<String, List<JsonNode>> finalResults = new HashMap<>();
        Map<String, String> gateLabels = new HashMap<>();
        long deadline = System.nanoTime() + RESULT_WAIT.toNanos();
        for (String requestId : requestIds) {
            JsonNode results = get("/v1/results/" + requestId);
            while (!results.path("status").asText().equals("complete") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                results = get("/v1/results/" + requestId);
            }
            for (JsonNode item : results.path("items")) {
                gateLabels.put(item.path("id").asText(), item.path("gate_label").asText());
                if (!item.path("status").asText().equals("pending")) {
                    finalResults
                            .computeIfAbsent(item.path("id").asText(), k -> new ArrayList<>())
                            .add(item);
                }
            }
        }
        int duplicates = (int)
                finalResults.values().stream().filter(list -> list.size() > 1).count();
        duplicates += expertRowsForGateItems(requestIds);
        int lost = 0;
        int gate = 0;
        int expert = 0;
        int cached = 0;
        List<String> truth = new ArrayList<>();
        List<String> blended = new ArrayList<>();
        List<String> allTruth = new ArrayList<>();
        List<String> gateOnly = new ArrayList<>();
        for (DemoItem item : items) {
            allTruth.add(item.label());
            gateOnly.add(gateLabels.getOrDefault(item.id(), ""));
        }
        for (DemoItem item : items) {
            List<JsonNode> results = finalResults.get(item.id());
            if (results == null || results.isEmpty() || !results.get(0).has("label")) {
                lost++;
                continue;
            }
            JsonNode result = results.get(0);
            String tier = result.path("tier").asText();
            if (tier.equals("expert") || tier.equals("cache")) {
                expert++;
                cached += tier.equals("cache") ? 1 : 0;
            } else {
                gate++;
            }
            truth.add(item.label());
            blended.add(result.path("label").asText());
        }
        Double f1ExpertOnly = null;
        if (expertOnly != null) {
            progress.accept("demo: scoring every item with the expert alone (for f1_expert_only) ...");
            List<String> expertLabels =
                    expertOnly.apply(items.stream().map(DemoItem::text).toList());
            f1ExpertOnly = f1(items.stream().map(DemoItem::label).toList(), expertLabels, positiveLabel);
        }

        progress.accept("demo: running the same items as a batch-transform manifest ...");
        BatchOutcome batch = runBatch(items);

        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("requests", requestIds.size());
        extra.put("batch_duplicates", batch.duplicates());
        extra.put("batch_seconds", Math.round(batch.seconds() * 10) / 10.0);
        // Response cache: escalated items answered from an earlier expert answer (the batch pass re-sends
        // the real-time pass's texts, so its escalated items should all hit).
        int escalated = expert + batch.expert() + batch.cached();
        extra.put("cache_hits", cached + batch.cached());
        extra.put(
                "cache_hit_rate",
                escalated == 0 ? 0.0 : Math.round(10_000.0 * (cached + batch.cached()) / escalated) / 10_000.0);
        // The gate's own routing monitor (real-time and batch items together) against the calibrated band.
        extra.putAll(sieve.runtime().routing().snapshot().asLog());
        return new DemoReport(
                items.size(),
                items.isEmpty() ? 0 : (double) gate / items.size(),
                items.isEmpty() ? 0 : (double) expert / items.size(),
                f1(allTruth, gateOnly, positiveLabel),
                f1ExpertOnly,
                f1(truth, blended, positiveLabel),
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                lost,
                duplicates,
                batch.items(),
                batch.lost(),
                extra);
    }

    private record BatchOutcome(int items, int lost, int duplicates, double seconds, int expert, int cached) {}

    private BatchOutcome runBatch(List<DemoItem> items) throws Exception {
        long start = System.nanoTime();
        String name = "demo-" + System.currentTimeMillis();
        StringBuilder manifest = new StringBuilder();
        for (DemoItem item : items) {
            manifest.append(Json.write(Map.of("id", item.id(), "text", item.text())))
                    .append('\n');
        }
        String bucket = sieve.resources().bucketName();
        String manifestKey = BucketLayout.jobsIn(Tenant.of(tenant)) + name + ".jsonl";
        try (S3Client s3 = sieve.backend().s3().get()) {
            s3.putObject(b -> b.bucket(bucket).key(manifestKey), RequestBody.fromString(manifest.toString()));
            JsonNode job = post("/v1/jobs", Json.write(Map.of("manifest", manifestKey)), 202);
            String jobId = job.path("job_id").asText();
            long deadline = System.nanoTime() + RESULT_WAIT.toNanos();
            while (!job.path("state").asText().equals("complete") && System.nanoTime() < deadline) {
                Thread.sleep(250);
                job = get("/v1/jobs/" + jobId);
            }
            if (!job.path("state").asText().equals("complete")) {
                progress.accept("demo: batch job " + jobId + " did not complete in " + RESULT_WAIT.toSeconds() + " s ("
                        + job.path("chunks_done").asLong() + " of "
                        + job.path("chunks").asLong() + " chunks)");
                return new BatchOutcome(items.size(), items.size(), 0, (System.nanoTime() - start) / 1e9, 0, 0);
            }
            List<String> lines = s3.getObjectAsBytes(b -> b.bucket(bucket).key(BucketLayout.outputFor(manifestKey)))
                    .asUtf8String()
                    .lines()
                    .toList();
            Map<String, Integer> seen = new HashMap<>();
            int expert = 0;
            int cached = 0;
            for (String line : lines) {
                JsonNode node = Json.read(line, JsonNode.class);
                if (node.has("label")) {
                    seen.merge(node.path("id").asText(), 1, Integer::sum);
                    expert += node.path("tier").asText().equals("expert") ? 1 : 0;
                    cached += node.path("tier").asText().equals("cache") ? 1 : 0;
                }
            }
            int lost = 0;
            for (DemoItem item : items) {
                if (!seen.containsKey(item.id())) {
                    lost++;
                }
            }
            int duplicates =
                    (int) seen.values().stream().filter(count -> count > 1).count();
            return new BatchOutcome(items.size(), lost, duplicates, (System.nanoTime() - start) / 1e9, expert, cached);
        }
    }

    /** Expert result rows in the table for items the gate answered: an item answered twice. */
    private int expertRowsForGateItems(List<String> requestIds) throws IOException, InterruptedException {
        int duplicates = 0;
        try (DynamoDbClient dynamoDb = sieve.backend().dynamoDb().get()) {
            RequestStore store = new DynamoDbRequestStore(
                    dynamoDb,
                    null,
                    sieve.resources().tableName(),
                    sieve.resources().bucketName());
            for (String requestId : requestIds) {
                Set<String> gateAnswered = new HashSet<>();
                JsonNode results = get("/v1/results/" + requestId);
                for (JsonNode item : results.path("items")) {
                    if (item.path("tier").asText().equals("gate")) {
                        gateAnswered.add(item.path("id").asText());
                    }
                }
                for (String itemId :
                        store.expertResults(Tenant.of(tenant).scope(requestId)).keySet()) {
                    if (gateAnswered.contains(itemId)) {
                        duplicates++;
                    }
                }
            }
        }
        return duplicates;
    }

    private JsonNode post(String path, String body, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(sieve.apiUrl() + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(
                    "POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.read(response.body(), JsonNode.class);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(sieve.apiUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.read(response.body(), JsonNode.class);
    }

    static double f1(List<String> truth, List<String> predicted, String positive) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < truth.size(); i++) {
            boolean actual = truth.get(i).equals(positive);
            boolean guessed = positive.equals(predicted.get(i));
            if (actual && guessed) {
                tp++;
            } else if (guessed) {
                fp++;
            } else if (actual) {
                fn++;
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
