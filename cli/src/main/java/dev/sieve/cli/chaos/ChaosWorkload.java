package dev.sieve.cli.chaos;

import dev.sieve.shared.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The mixed workload of a chaos run, sent through the API while the faults happen: real-time requests
 * ({@value #REALTIME_ITEMS} items each, {@value #REALTIME_CLIENTS} clients) and async requests ({@value
 * #ASYNC_ITEMS} items each, one client) until {@link #stop()}. Every item gets a unique id and a unique
 * text (a base text with its id appended), so no answer can come from another item's expert result and
 * every expert evaluation is of one distinct item. The batch job is submitted by the caller ({@link
 * #submitJob}).
 */
final class ChaosWorkload implements AutoCloseable {
    static final int REALTIME_ITEMS = 10;
    static final int REALTIME_CLIENTS = 2;
    static final int ASYNC_ITEMS = 50;
    /** How often a client tries to send a request (at most: a real-time call waits for its answer). */
    static final Duration PACE = Duration.ofSeconds(2);
    /** Retries of one refused call before its items count as refused (not sent, so not Sieve's). */
    static final int ATTEMPTS = 60;

    private final ChaosClient client;
    private final List<String> texts;
    private final Consumer<String> progress;
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "chaos-sender");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicLong refusedItems = new AtomicLong();
    private volatile boolean sending = true;

    /** Accepted requests: public request id → the item ids it carries. */
    final Map<String, List<String>> accepted = new ConcurrentHashMap<>();
    /** Accepted requests by mode. */
    final Map<String, String> modes = new ConcurrentHashMap<>();

    ChaosWorkload(ChaosClient client, List<String> texts, Consumer<String> progress) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("the workload needs at least one text");
        }
        this.client = client;
        this.texts = List.copyOf(texts);
        this.progress = progress;
    }

    /** The text of the item with {@code id}: a base text, made unique by the id. */
    String text(String id, int n) {
        return texts.get(n % texts.size()) + "\n\n(chaos " + id + ")";
    }

    void start() {
        for (int c = 0; c < REALTIME_CLIENTS; c++) {
            senders.submit(() -> loop("realtime", REALTIME_ITEMS, 200));
        }
        senders.submit(() -> loop("async", ASYNC_ITEMS, 202));
    }

    /** Stops sending new requests; calls being retried finish. */
    void stop() throws InterruptedException {
        sending = false;
        senders.shutdown();
        senders.awaitTermination(10, TimeUnit.MINUTES);
    }

    long refusedItems() {
        return refusedItems.get();
    }

    /** {@code POST /v1/jobs} for the manifest at {@code key} until accepted; the job id. */
    String submitJob(String key) throws InterruptedException {
        ChaosClient.Answer answer = client.postUntil("/v1/jobs", Json.write(Map.of("manifest", key)), 202, ATTEMPTS);
        if (answer == null) {
            throw new IllegalStateException("POST /v1/jobs was refused " + ATTEMPTS + " times");
        }
        return answer.body().path("job_id").asText();
    }

    private Void loop(String mode, int size, int expected) throws InterruptedException {
        while (sending) {
            long started = System.nanoTime();
            int request = sequence.incrementAndGet();
            List<String> ids = new ArrayList<>(size);
            List<Map<String, String>> items = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                String id = mode.charAt(0) + Integer.toString(request) + "-" + i;
                ids.add(id);
                items.add(Map.of("id", id, "text", text(id, request * size + i)));
            }
            ChaosClient.Answer answer = client.postUntil(
                    "/v1/classify", Json.write(Map.of("mode", mode, "items", items)), expected, ATTEMPTS);
            if (answer == null) {
                refusedItems.addAndGet(size);
                progress.accept("chaos: a " + mode + " request was refused " + ATTEMPTS + " times; not counted");
            } else {
                String id = answer.body().path("request_id").asText();
                accepted.put(id, ids);
                modes.put(id, mode);
            }
            long rest = PACE.toMillis() - (System.nanoTime() - started) / 1_000_000;
            if (rest > 0) {
                Thread.sleep(rest);
            }
        }
        return null;
    }

    @Override
    public void close() {
        sending = false;
        senders.shutdownNow();
    }
}
