package dev.sieve.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one load step sent and got back, filled from Gatling's virtual users (thread-safe). Every request
 * gets a sequence number and item ids unique within the run ({@code <item id>#<seq>}), so an item answered
 * twice or never is visible. Every response body is checked against the served OpenAPI document here.
 */
public final class LoadRecorder {
    /** Separates an item's own id from the request sequence number in the ids a run sends. */
    public static final char SEQ_SEPARATOR = '#';

    /** The final answer for one sent item. */
    public record Answer(String id, String label, String tier) {}

    /** One request from submit to its last poll. */
    public record Outcome(
            long seq, List<String> sentIds, int status, String error, double latencyMs, List<Answer> answers) {}

    private final Map<Long, List<String>> sent = new ConcurrentHashMap<>();
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final ResponseValidator validator;
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicReference<String> firstInvalid = new AtomicReference<>();
    private final AtomicLong firstStartNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastEndNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong outputBytes = new AtomicLong();
    private final AtomicLong manifestBytes = new AtomicLong();

    public LoadRecorder(ResponseValidator validator) {
        this.validator = validator;
    }

    /** A request about to be sent with these item ids. */
    void sent(long seq, List<String> ids) {
        sent.put(seq, ids);
    }

    /** Checks one response body against the OpenAPI document; returns the parsed body (null if not JSON). */
    JsonNode response(String method, String pathTemplate, int status, String body) {
        responses.incrementAndGet();
        JsonNode node = null;
        List<String> problems;
        try {
            node = body == null || body.isEmpty() ? null : Json.read(body, JsonNode.class);
            problems = validator.validate(method, pathTemplate, status, node);
        } catch (RuntimeException e) {
            problems = List.of("body is not JSON: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            invalid.incrementAndGet();
            firstInvalid.compareAndSet(null, method + " " + pathTemplate + " " + status + ": " + problems.get(0));
        }
        return node;
    }

    /** The request {@code seq} is over: its status, its error (null when none) and the final answers. */
    void finished(long seq, long startNanos, long endNanos, int status, String error, List<Answer> answers) {
        firstStartNanos.accumulateAndGet(startNanos, Math::min);
        lastEndNanos.accumulateAndGet(endNanos, Math::max);
        outcomes.add(new Outcome(
                seq, sent.getOrDefault(seq, List.of()), status, error, (endNanos - startNanos) / 1e6, answers));
    }

    /** Adds an outcome recorded elsewhere (batch jobs are driven without Gatling). */
    public void add(Outcome outcome, long startNanos, long endNanos) {
        sent.put(outcome.seq(), outcome.sentIds());
        firstStartNanos.accumulateAndGet(startNanos, Math::min);
        lastEndNanos.accumulateAndGet(endNanos, Math::max);
        outcomes.add(outcome);
    }

    /** Requests sent that never finished (a virtual user cut off by the step's time limit). */
    List<Long> unfinished() {
        List<Long> missing = new ArrayList<>(sent.keySet());
        synchronized (outcomes) {
            outcomes.forEach(o -> missing.remove((Long) o.seq()));
        }
        return missing;
    }

    public List<Outcome> outcomes() {
        synchronized (outcomes) {
            List<Outcome> all = new ArrayList<>(outcomes);
            for (Long seq : unfinished()) {
                all.add(new Outcome(seq, sent.get(seq), 0, "did not finish within the step", 0, List.of()));
            }
            return all;
        }
    }

    /** Bytes of batch output lines read (newlines included). */
    void outputBytes(long bytes) {
        outputBytes.addAndGet(bytes);
    }

    public long outputBytes() {
        return outputBytes.get();
    }

    /** Bytes of batch manifests written (JSON Lines of {@code {"id","text"}}, newlines included). */
    void manifestBytes(long bytes) {
        manifestBytes.addAndGet(bytes);
    }

    public long manifestBytes() {
        return manifestBytes.get();
    }

    public long responses() {
        return responses.get();
    }

    public long invalidResponses() {
        return invalid.get();
    }

    /** The first response that broke the OpenAPI document, or null. */
    public String firstInvalid() {
        return firstInvalid.get();
    }

    /** Seconds from the first submit to the last final answer. */
    public double wallSeconds() {
        long start = firstStartNanos.get();
        long end = lastEndNanos.get();
        return end <= start ? 0 : (end - start) / 1e9;
    }

    /** The item's own id, without the request sequence number. */
    public static String itemId(String sentId) {
        int at = sentId.lastIndexOf(SEQ_SEPARATOR);
        return at < 0 ? sentId : sentId.substring(0, at);
    }
}
