package dev.sieve.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.SieveCommand;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics.Metric;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CostByTenantTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = SieveCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void costByTenant_whenUsageExported_pricesEachTenantFromItsRecords() throws Exception {
        List<String> lines = new ArrayList<>();
        EmfMetrics gate = EmfMetrics.to(
                "Sieve", Map.of(MetricNames.SERVICE, MetricNames.GATE_SERVICE), lines::add, Clock.systemUTC());
        EmfMetrics worker = EmfMetrics.to(
                "Sieve", Map.of(MetricNames.SERVICE, MetricNames.WORKER_SERVICE), lines::add, Clock.systemUTC());
        gate.record(
                Map.of("mode", "realtime"),
                Map.of("Items", Metric.count(1000), "Escalated", Metric.count(100)),
                Map.of(MetricNames.TENANT, "acme"));
        gate.record(Map.of("mode", "async"), Map.of("Items", Metric.count(10)), Map.of(MetricNames.TENANT, "beta"));
        gate.record(Map.of(), Map.of("GateItems", Metric.count(5000))); // a total: nobody's
        worker.record(
                Map.of("usage", MetricNames.TENANT_USAGE),
                Map.of(MetricNames.EXPERT_ITEMS, Metric.count(100), MetricNames.EXPERT_BUSY_SECONDS, Metric.seconds(2)),
                Map.of(MetricNames.TENANT, "acme"));
        worker.record(Map.of(), Map.of(MetricNames.EXPERT_BUSY_SECONDS, Metric.seconds(9))); // the total
        ObjectMapper json = new ObjectMapper();
        // the same as a CloudWatch Logs event, and a plain log line between them
        String wrapped = json.writeValueAsString(Map.of("timestamp", 1, "message", lines.remove(1)));
        lines.add(wrapped);
        lines.add("{\"level\":\"INFO\",\"message\":\"job started\"}");
        Path usage = dir.resolve("usage.jsonl");
        Files.write(usage, lines);

        int code = run(
                "cost",
                "--by-tenant",
                "--usage",
                usage.toString(),
                "--profile",
                "../pricing/profiles/spamassassin-batch-1b.json",
                "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode report = json.readTree(out.toString().strip());
        JsonNode acme = report.path("tenants").get(0);
        JsonNode beta = report.path("tenants").get(1);
        assertThat(acme.path("tenant").asText()).isEqualTo("acme");
        assertThat(acme.path("items").asDouble()).isEqualTo(1000);
        assertThat(acme.path("expert_items").asDouble()).isEqualTo(100);
        assertThat(acme.path("expert_seconds").asDouble()).isEqualTo(2);
        assertThat(beta.path("items").asDouble()).isEqualTo(10);
        assertThat(beta.path("expert_seconds").asDouble()).isZero();
        assertThat(acme.path("usd").asDouble())
                .isGreaterThan(100 * beta.path("usd").asDouble());
        assertThat(report.path("usd_total").asDouble())
                .isCloseTo(
                        acme.path("usd").asDouble() + beta.path("usd").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void costByTenant_withoutUsage_exits2NamingTheOption() {
        int code = run("cost", "--by-tenant", "--profile", "../pricing/profiles/spamassassin-batch-1b.json");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--usage FILE");
    }
}
