package dev.sieve.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API as a patient client sees it during a chaos run: every answer is counted by status, a 429 or
 * 503 is retried after its {@code Retry-After}, a connection failure after a second; a 500 is counted,
 * its body kept as evidence, and retried like a 503 (a client has nothing better to do).
 */
final class ChaosClient {
    /** One answer: status, parsed body (null when the body is not JSON), the Retry-After (1 s if none). */
    record Answer(int status, JsonNode body, long retryAfterSeconds) {}

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong http500 = new AtomicLong();
    final AtomicLong http503 = new AtomicLong();
    final AtomicLong http503WithoutRetryAfter = new AtomicLong();
    final AtomicLong http429 = new AtomicLong();
    final AtomicLong otherErrors = new AtomicLong();
    final AtomicLong connectionErrors = new AtomicLong();
    final List<String> evidence = Collections.synchronizedList(new ArrayList<>());

    ChaosClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /**
     * POSTs until the answer is {@code expected} (202 or 200) or {@code attempts} run out; null then.
     * Each retry is a new call the server sees as a new request (there is no idempotency key yet).
     */
    Answer postUntil(String path, String body, int expected, int attempts) throws InterruptedException {
        for (int attempt = 0; attempt < attempts; attempt++) {
            Answer answer = send(HttpRequest.newBuilder(base.resolve(path))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            if (answer != null && answer.status() == expected) {
                return answer;
            }
            pause(answer);
        }
        return null;
    }

    /** GETs until 200 or {@code attempts} run out; null then. */
    Answer getUntil(String path, int attempts) throws InterruptedException {
        for (int attempt = 0; attempt < attempts; attempt++) {
            Answer answer = send(HttpRequest.newBuilder(base.resolve(path)).GET());
            if (answer != null && answer.status() == 200) {
                return answer;
            }
            pause(answer);
        }
        return null;
    }

    private Answer send(HttpRequest.Builder request) throws InterruptedException {
        calls.incrementAndGet();
        HttpResponse<String> response;
        try {
            response = http.send(
                    request.timeout(Duration.ofSeconds(60))
                            .header("authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            connectionErrors.incrementAndGet();
            return null;
        }
        int status = response.statusCode();
        String method =
                response.request().method() + " " + response.request().uri().getPath();
        switch (status) {
            case 200, 201, 202 -> {}
            case 429 -> http429.incrementAndGet();
            case 503 -> {
                http503.incrementAndGet();
                if (response.headers().firstValue("retry-after").isEmpty()) {
                    http503WithoutRetryAfter.incrementAndGet();
                    keep(method + " 503 without Retry-After: " + response.body());
                }
            }
            case 500 -> {
                http500.incrementAndGet();
                keep(method + " 500: " + response.body());
            }
            default -> {
                otherErrors.incrementAndGet();
                keep(method + " " + status + ": " + response.body());
            }
        }
        JsonNode body;
        try {
            body = Json.read(response.body(), JsonNode.class);
        } catch (RuntimeException e) {
            body = null;
        }
        long retryAfter = response.headers()
                .firstValue("retry-after")
                .map(Long::parseLong)
                .orElse(1L);
        return new Answer(status, body, retryAfter);
    }

    private void keep(String line) {
        if (evidence.size() < 20) {
            evidence.add(line.length() > 400 ? line.substring(0, 400) + "..." : line);
        }
    }

    private static void pause(Answer answer) throws InterruptedException {
        long seconds = answer == null ? 1 : Math.max(1, Math.min(30, answer.retryAfterSeconds()));
        Thread.sleep(seconds * 1000);
    }
}
