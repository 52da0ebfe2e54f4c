package dev.sieve.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP server on 127.0.0.1 that speaks EventBridge's {@code PutEvents} (AWS JSON 1.1, target {@code
 * AWSEvents.PutEvents}): it answers each entry with an event id, or with an error code for the entries a
 * test makes fail, and keeps what it took. Tests use a real SDK client against it (a wire test, no mock).
 */
final class PutEventsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry the server took. */
    record Taken(String bus, String source, String detailType, JsonNode detail) {}

    private final HttpServer server;
    private final List<Taken> taken = new CopyOnWriteArrayList<>();
    private final List<Integer> callSizes = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> refusalsLeft = new ConcurrentHashMap<>();
    private final AtomicInteger serverErrorsLeft = new AtomicInteger();
    private volatile Predicate<JsonNode> alwaysRefuse = detail -> false;

    PutEventsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Taken> taken() {
        return taken;
    }

    List<Integer> callSizes() {
        return callSizes;
    }

    /** The entry whose detail has {@code event_id} is answered {@code ThrottlingException} {@code times} times. */
    void refuse(String eventId, int times) {
        refusalsLeft.put(eventId, new AtomicInteger(times));
    }

    void refuseAlways(Predicate<JsonNode> detail) {
        alwaysRefuse = detail;
    }

    /** The next {@code calls} calls are answered 500. */
    void failCalls(int calls) {
        serverErrorsLeft.set(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"AWSEvents.PutEvents".equals(target)) {
                respond(exchange, 400, "{\"__type\":\"UnknownOperationException\"}");
                return;
            }
            if (serverErrorsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(exchange, 500, "{\"__type\":\"InternalException\",\"message\":\"injected\"}");
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ArrayNode entries = (ArrayNode) request.get("Entries");
            callSizes.add(entries.size());
            ObjectNode response = JSON.createObjectNode();
            ArrayNode results = response.putArray("Entries");
            int failed = 0;
            for (JsonNode entry : entries) {
                JsonNode detail = JSON.readTree(entry.get("Detail").asText());
                String eventId = detail.path("event_id").asText();
                AtomicInteger left = refusalsLeft.get(eventId);
                boolean refuse =
                        alwaysRefuse.test(detail) || (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
                if (refuse) {
                    failed++;
                    results.addObject().put("ErrorCode", "ThrottlingException").put("ErrorMessage", "injected");
                } else {
                    taken.add(new Taken(
                            entry.path("EventBusName").asText(),
                            entry.path("Source").asText(),
                            entry.path("DetailType").asText(),
                            detail));
                    results.addObject().put("EventId", UUID.randomUUID().toString());
                }
            }
            response.put("FailedEntryCount", failed);
            respond(exchange, 200, JSON.writeValueAsString(response));
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
