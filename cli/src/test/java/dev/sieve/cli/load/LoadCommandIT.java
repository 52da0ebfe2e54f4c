package dev.sieve.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.SieveCommand;
import dev.sieve.cli.models.TopicCorpus;
import dev.sieve.pricing.CostModel;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sieve load} end to end in local mode: the whole system in this JVM (embedded SQS, DynamoDB, S3,
 * the API that checks bearer tokens on every route, a real worker running the bundle's ONNX expert), a
 * bundle trained by {@code sieve train} on a small generated corpus, and Gatling sending held-out items of
 * the same corpus. The run must call as its tenant (no 401), answer every item once, pass every check, and
 * count the resources it used.
 */
class LoadCommandIT {
    /** Half of each text's words from any topic: enough doubt that the gate sends items to the expert. */
    private static final double MIXED = 0.5;

    @TempDir
    static Path dir;

    private static Path bundle;
    private static Path heldOut;

    @BeforeAll
    static void trainBundle() throws IOException {
        Path data = TopicCorpus.write(dir.resolve("topics.jsonl"), 60, 3, MIXED);
        heldOut = TopicCorpus.write(dir.resolve("held-out.jsonl"), 30, 11, MIXED);
        bundle = dir.resolve("bundle");
        Run trained = run(
                "train",
                "--data",
                data.toString(),
                "--out",
                bundle.toString(),
                "--cache-dir",
                cache().toString(),
                "--no-tune",
                "--expert-rate",
                "0.2");
        assertThat(trained.exit()).as(trained.err()).isZero();
    }

    @Test
    void load_whenLocalModeChecksTokens_callsAsItsTenantAndEveryCheckPasses() throws IOException {
        Path report = dir.resolve("report");
        Run load = run(
                "load",
                "--bundle",
                bundle.toString(),
                "--data",
                heldOut.toString(),
                "--cache-dir",
                cache().toString(),
                "--items-per-request",
                "10",
                "--max-steps",
                "2",
                "--step-seconds",
                "4",
                "--no-html",
                "--json",
                "--out",
                report.toString());

        List<JsonNode> lines = reportLines(report);
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(load.exit()).as(summary.toString()).isZero();
        assertThat(summary.path("summary").asBoolean()).isTrue();
        assertThat(summary.path("failed").asLong()).isZero();
        assertThat(summary.path("sanity_ok").asBoolean()).isTrue();
        assertThat(summary.path("steps").asInt()).isEqualTo(2);
        for (String field : List.of(
                "best_items_per_s", "p50_ms", "p95_ms", "p99_ms", "accuracy", "routing_rate", "cost_per_million_usd")) {
            assertThat(summary.path(field).isNumber()).as(field).isTrue();
        }
        assertThat(summary.path("best_items_per_s").asDouble()).isPositive();
        // every item answered, and the run's usage was counted (the gate's handler time, the worker's expert)
        JsonNode first = lines.get(0);
        assertThat(first.path("answered").asLong())
                .isEqualTo(first.path("items").asLong());
        assertThat(first.path("checks").path("answered_exactly_once").asBoolean())
                .isTrue();
        // the first step's usage: later steps resend the same texts, which the response cache answers
        JsonNode usage = first.path("usage_per_million");
        assertThat(usage.path(CostModel.LAMBDA_INVOCATIONS).asDouble()).isPositive();
        assertThat(usage.path(CostModel.SQS_REQUESTS).asDouble()).isPositive();
        // the expert answered some items, each counted once (the worker's per-tenant records repeat its batches);
        // items the response cache answers never reach it, so over the run expert items <= routed items
        double expertItems = 0;
        double routed = 0;
        for (JsonNode step : lines.subList(0, lines.size() - 1)) {
            double answered = step.path("answered").asDouble();
            expertItems +=
                    step.path("usage_per_million").path(CostModel.EXPERT_ITEMS).asDouble() / 1e6 * answered;
            routed += step.path("routing_rate").asDouble() * answered;
        }
        assertThat(routed).isPositive();
        assertThat(expertItems).isPositive().isLessThanOrEqualTo(routed * 1.1 + 1);
        assertThat(Files.list(report).map(p -> p.getFileName().toString()))
                .contains("throughput-vs-load.png", "latency-vs-load.png");
    }

    @Test
    void load_whenBatchMode_runsManifestJobsAndReadsEveryOutputLine() throws IOException {
        Path report = dir.resolve("batch-report");
        Run load = run(
                "load",
                "--mode",
                "batch",
                "--bundle",
                bundle.toString(),
                "--data",
                heldOut.toString(),
                "--cache-dir",
                cache().toString(),
                "--items-per-request",
                "60",
                "--max-steps",
                "1",
                "--step-seconds",
                "2",
                "--p99-ms",
                "120000",
                "--no-html",
                "--json",
                "--out",
                report.toString());

        List<JsonNode> lines = reportLines(report);
        JsonNode step = lines.get(0);
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(load.exit()).as(summary.toString()).isZero();
        assertThat(step.path("mode").asText()).isEqualTo("batch");
        assertThat(step.path("items_per_request").asInt()).isEqualTo(60);
        assertThat(step.path("requests").asLong()).isPositive();
        assertThat(step.path("answered").asLong()).isEqualTo(step.path("items").asLong());
        assertThat(step.path("checks").path("answered_exactly_once").asBoolean())
                .isTrue();
        assertThat(step.path("checks").path("openapi_valid").asBoolean()).isTrue();
        assertThat(summary.path("failed").asLong()).isZero();
        assertThat(summary.path("sanity_ok").asBoolean()).isTrue();
        // the job's own S3 traffic was counted: manifest PUT, part files, output
        assertThat(step.path("usage_per_million").path(CostModel.S3_PUTS).asDouble())
                .isPositive();
        assertThat(step.path("usage_per_million").path(CostModel.S3_GETS).asDouble())
                .isPositive();
    }

    @Test
    void load_whenAccuracyIsFarFromTheEvalFigure_failsTheRunCheckAndExitsOne() throws IOException {
        Path report = dir.resolve("accuracy-report");
        // no bundle scores 30 % on three topics it separates: the run check must catch the difference
        Run load = run(
                "load",
                "--bundle",
                bundle.toString(),
                "--data",
                heldOut.toString(),
                "--cache-dir",
                cache().toString(),
                "--eval-accuracy",
                "0.30",
                "--max-steps",
                "1",
                "--step-seconds",
                "2",
                "--no-html",
                "--json",
                "--out",
                report.toString());

        List<JsonNode> lines = reportLines(report);
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(load.exit()).as(summary.toString()).isEqualTo(1);
        assertThat(summary.path("sanity_ok").asBoolean()).isFalse();
        assertThat(summary.path("run_checks").path("accuracy_vs_eval").asBoolean())
                .isFalse();
        assertThat(lines.get(0).path("sanity_ok").asBoolean())
                .as("the step itself was healthy")
                .isTrue();
    }

    static List<JsonNode> reportLines(Path report) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(report.resolve("steps.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(Json.read(line, JsonNode.class));
            }
        }
        assertThat(lines).as("steps.jsonl").isNotEmpty();
        return lines;
    }

    static Path cache() {
        return Path.of("target", "load-it-cache").toAbsolutePath();
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SieveCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
