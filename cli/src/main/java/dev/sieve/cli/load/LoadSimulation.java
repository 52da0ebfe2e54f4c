package dev.sieve.cli.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.http.client.Request;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One load step as a Gatling simulation (Java DSL, run in-process by {@link GatlingRunner}). A virtual user
 * takes the next request body from the feeder, POSTs it to {@code /v1/classify}, and polls {@code
 * /v1/results/{id}} until every item has its final answer (pending real-time items, async requests), so a
 * step measures items answered, not requests accepted. Gatling builds the simulation itself from its class
 * name, so the step it runs is handed over in {@link #plan}, set by the runner right before each run.
 */
public final class LoadSimulation extends Simulation {

    /**
     * What the next run does.
     *
     * @param baseUrl API root
     * @param workload mode, items per request and load model (not batch)
     * @param level virtual users (closed) or requests per second (open)
     * @param duration how long users are injected
     * @param settle how long a request may wait for its last answer before it counts as failed
     * @param pollInterval pause between result polls
     * @param feeder request bodies ({@code seq}, {@code body}), already registered with the recorder
     * @param signer adds authentication to each request (identity for local mode)
     * @param recorder where outcomes go
     */
    public record Plan(
            URI baseUrl,
            Workload workload,
            int level,
            Duration duration,
            Duration settle,
            Duration pollInterval,
            Iterator<Map<String, Object>> feeder,
            UnaryOperator<Request> signer,
            LoadRecorder recorder) {}

    static volatile Plan plan;

    public LoadSimulation() {
        Plan p = Objects.requireNonNull(plan, "LoadSimulation.plan is set by GatlingRunner before each run");
        LoadRecorder recorder = p.recorder();
        HttpProtocolBuilder protocol = http.baseUrl(p.baseUrl().toString())
                .contentTypeHeader("application/json")
                .acceptHeader("application/json")
                .sign(request -> p.signer().apply(request))
                .disableCaching();
        long settleNanos = p.settle().toNanos();
        ChainBuilder oneRequest = exec(session -> session.set("t0", System.nanoTime()))
                .exec(http("classify")
                        .post("/v1/classify")
                        .body(StringBody(session -> session.getString("body")))
                        .check(status().saveAs("status"), bodyString().saveAs("response")))
                .exec(session -> afterResponse(recorder, session, "post", "/v1/classify"))
                .asLongAs(session -> session.getBoolean("polling"))
                .on(exec(session -> session)
                        .pause(p.pollInterval())
                        .exec(http("results")
                                .get(session -> "/v1/results/" + session.getString("request_id"))
                                .check(status().saveAs("status"), bodyString().saveAs("response")))
                        .exec(session -> {
                            Session next = afterResponse(recorder, session, "get", "/v1/results/{id}");
                            if (next.getBoolean("polling") && System.nanoTime() - next.getLong("t0") > settleNanos) {
                                return next.set("polling", false)
                                        .set(
                                                "error",
                                                "items still pending after "
                                                        + p.settle().toSeconds() + " s");
                            }
                            return next;
                        }))
                .exec(session -> {
                    finish(recorder, session);
                    return session;
                });
        ScenarioBuilder scenario =
                scenario(p.workload().label()).feed(p.feeder()).exec(oneRequest);
        // Closed: a user ends after its request, and Gatling starts the next one to keep `level` users busy.
        PopulationBuilder population =
                switch (p.workload().model()) {
                    case CLOSED ->
                        scenario.injectClosed(constantConcurrentUsers(p.level()).during(p.duration()));
                    case OPEN ->
                        scenario.injectOpen(constantUsersPerSec(p.level()).during(p.duration()));
                };
        setUp(population)
                .protocols(protocol)
                .maxDuration(p.duration().plus(p.settle()).plusSeconds(5));
    }

    /** Reads the last response: final answers so far, whether to keep polling, the error if it failed. */
    private static Session afterResponse(LoadRecorder recorder, Session session, String method, String path) {
        Integer status = session.contains("status") ? session.getInt("status") : null;
        String body = session.contains("response") ? session.getString("response") : null;
        Session next = session.remove("response");
        if (status == null) {
            return next.set("polling", false).set("error", "no response (connection failed or timed out)");
        }
        JsonNode node = recorder.response(method, path, status, body);
        if (status != 200 && status != 202) {
            String code =
                    node == null ? "" : " " + node.path("error").path("code").asText("");
            return next.set("polling", false)
                    .set("error", method.toUpperCase() + " " + path + " answered " + status + code);
        }
        if (node == null) {
            return next.set("polling", false).set("error", "a " + status + " answer without a JSON body");
        }
        List<LoadRecorder.Answer> answers = new ArrayList<>();
        for (JsonNode item : node.path("items")) {
            if (!"pending".equals(item.path("status").asText())) {
                answers.add(new LoadRecorder.Answer(
                        item.path("id").asText(),
                        item.path("label").asText(null),
                        item.path("tier").asText(null)));
            }
        }
        String requestStatus = node.path("status").asText();
        boolean done = requestStatus.equals("complete") || requestStatus.equals("failed");
        return next.set("request_id", node.path("request_id").asText())
                .set("answers", answers)
                .set("final_status", status)
                .set("polling", !done);
    }

    private static void finish(LoadRecorder recorder, Session session) {
        List<LoadRecorder.Answer> answers = session.contains("answers") ? session.getList("answers") : List.of();
        int status = session.contains("final_status") ? session.getInt("final_status") : 0;
        recorder.finished(
                session.getLong("seq"),
                session.getLong("t0"),
                System.nanoTime(),
                status,
                session.contains("error") ? session.getString("error") : null,
                answers);
    }
}
