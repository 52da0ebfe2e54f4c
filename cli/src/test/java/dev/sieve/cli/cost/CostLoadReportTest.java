package dev.sieve.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.SieveCommand;
import dev.sieve.shared.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sieve cost --load-report}: a load run's measured usage, routing and throughput as the cost input. */
class CostLoadReportTest {
    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cl = SieveCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** A steps.jsonl as sieve load writes it: one step line, then the summary line. */
    private Path report(String name, double s3Puts) throws Exception {
        String usage = "{\"lambda_invocations\":1000.0,\"lambda_gb_seconds\":500.0,\"sqs_requests\":300.0,"
                + "\"sqs_messages\":100.0,\"dynamodb_write_units\":3000.0,\"dynamodb_read_units\":200.0,"
                + "\"s3_put_requests\":" + s3Puts + ",\"s3_get_requests\":4000.0,\"apigw_requests\":2000.0,"
                + "\"expert_items\":90000.0,\"expert_busy_seconds\":4500.0}";
        String step = "{\"step\":1,\"mode\":\"batch\",\"items_per_request\":1000,\"usage_per_million\":" + usage
                + ",\"sanity_ok\":true}";
        String summary = "{\"summary\":true,\"steps\":1,\"best_items_per_s\":310.5,\"p50_ms\":9000.0,"
                + "\"p95_ms\":12000.0,\"p99_ms\":13000.0,\"failed\":0,\"accuracy\":0.98,\"routing_rate\":0.09,"
                + "\"cost_per_million_usd\":1.0,\"usage_per_million\":" + usage + ",\"gate_ms_per_item\":0.5,"
                + "\"mode\":\"batch\",\"items_per_request\":1000,\"sanity_ok\":true}";
        return Files.writeString(dir.resolve(name), step + "\n" + summary + "\n");
    }

    private JsonNode json() {
        return Json.read(out.toString().strip(), JsonNode.class);
    }

    @Test
    void loadReport_whenCounted_pricesTheMeasuredUsageWithTheRunsRoutingRate() throws Exception {
        assertThat(run("cost", "--load-report", report("a.jsonl", 1000).toString(), "--json"))
                .as(err.toString())
                .isZero();
        JsonNode a = json();
        assertThat(a.path("expert_rate").asDouble()).isEqualTo(0.09);
        assertThat(a.path("mode_mix").path("batch").asDouble()).isEqualTo(1.0);
        assertThat(a.path("usage_per_million").path("s3_put_requests").asDouble())
                .isEqualTo(1000.0);
        assertThat(a.path("usage_per_million").path("lambda_gb_seconds").asDouble())
                .isEqualTo(500.0);
        assertThat(a.path("load_report").path("usage").asText()).isEqualTo("measured");
        assertThat(a.path("load_report").path("expert_items_per_busy_s").asDouble())
                .isEqualTo(20.0);
        assertThat(a.path("gpu").path("throughput_source").asText()).startsWith("DEFAULT REFERENCE");

        // 1,000 more PUTs per million items cost 1,000 x the PUT price more ($0.005 per 1,000), nothing else moves
        assertThat(run("cost", "--load-report", report("b.jsonl", 2000).toString(), "--json"))
                .isZero();
        JsonNode b = json();
        assertThat(b.path("components").path("s3_requests").asDouble()
                        - a.path("components").path("s3_requests").asDouble())
                .isCloseTo(0.005, within(1e-6));
        assertThat(b.path("components").path("gpu_instances").asDouble())
                .isEqualTo(a.path("components").path("gpu_instances").asDouble());
    }

    @Test
    void loadReport_whenReportThroughput_pricesGpuHoursAtTheMeasuredExpertRate() throws Exception {
        Path file = report("a.jsonl", 1000);
        assertThat(run("cost", "--load-report", file.toString(), "--json")).isZero();
        double reference = json().path("components").path("gpu_instances").asDouble();
        assertThat(run("cost", "--load-report", file.toString(), "--report-throughput", "--json"))
                .as(err.toString())
                .isZero();
        JsonNode measured = json();
        assertThat(measured.path("gpu").path("items_per_s").asDouble()).isEqualTo(20.0);
        assertThat(measured.path("gpu").path("throughput_source").asText()).startsWith("MEASURED by sieve load");
        // 90,000 expert items per million at 20 items/s and the profile's utilization, at the instance's hourly price
        double hourly = measured.path("gpu").path("hourly_usd").asDouble();
        double utilization = measured.path("gpu").path("utilization").asDouble();
        assertThat(measured.path("components").path("gpu_instances").asDouble())
                .isCloseTo(90_000 / (20.0 * utilization) / 3600 * hourly, within(1e-3))
                .isGreaterThan(reference);
    }

    @Test
    void loadReport_whenTheFileHasNoSummary_exitsTwoAndSaysWhy() throws Exception {
        Path file = Files.writeString(dir.resolve("steps.jsonl"), "{\"step\":1}\n");
        assertThat(run("cost", "--load-report", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("has no summary line");
    }

    @Test
    void reportThroughput_withoutALoadReport_exitsTwo() throws Exception {
        assertThat(run("cost", "--report-throughput")).isEqualTo(2);
        assertThat(err.toString()).contains("--report-throughput needs --load-report");
    }
}
