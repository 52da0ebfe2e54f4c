package dev.sieve.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.cli.SieveCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sieve cost --gpu-hours-from} over what {@code sieve simulate scaling --json} printed for the real template. */
class SimulatedCostTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROFILE = Path.of("../pricing/profiles/spamassassin-batch-1b.json");

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = SieveCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute(args)).as(err.toString()).isEqualTo(expectedExit);
        return out.toString().strip();
    }

    @Test
    void cost_withGpuHoursFromASimulation_pricesTheSimulatedInstanceHoursPerExpertItem() throws Exception {
        Path template = Files.writeString(dir.resolve("Sieve.template.json"), SynthesizedTemplate.JSON);
        String line = run(
                0,
                "simulate",
                "scaling",
                "--template",
                template.toString(),
                "--out",
                dir.resolve("sim").toString(),
                "--json");
        JsonNode simulated = JSON.readTree(line);
        double hoursPerMillionExpertItems = simulated.get("gpu_hours").asDouble()
                / simulated.get("trace_items").asDouble()
                * 1e6;
        assertThat(hoursPerMillionExpertItems).isPositive();
        Path file = Files.writeString(dir.resolve("simulation.json"), line);

        JsonNode modelled = JSON.readTree(run(0, "cost", "--profile", PROFILE.toString(), "--json"));
        JsonNode priced = JSON.readTree(
                run(0, "cost", "--profile", PROFILE.toString(), "--gpu-hours-from", file.toString(), "--json"));

        double expertRate = priced.get("expert_rate").asDouble();
        double hours = priced.at("/usage_per_million/gpu_busy_instance_hours").asDouble();
        assertThat(hours).isCloseTo(expertRate * hoursPerMillionExpertItems, within(1e-5 * hours));
        assertThat(priced.at("/components/gpu_instances").asDouble())
                .isCloseTo(hours * priced.at("/gpu/hourly_usd").asDouble(), within(1e-5 * hours));
        assertThat(priced.at("/gpu/simulated_fleet/trace").asText())
                .isEqualTo(simulated.get("trace").asText());
        // the same workload, only the GPU hours' source differs
        assertThat(priced.get("expert_only_cost_per_million_usd"))
                .isEqualTo(modelled.get("expert_only_cost_per_million_usd"));
        assertThat(priced.at("/components/api_gateway")).isEqualTo(modelled.at("/components/api_gateway"));
        assertThat(priced.get("cost_per_million_usd").asDouble())
                .isNotEqualTo(modelled.get("cost_per_million_usd").asDouble());
    }

    @Test
    void cost_withGpuHoursFromAFileWithoutThem_exitsTwoNamingTheField() throws Exception {
        Path file = Files.writeString(dir.resolve("other.json"), "{\"gpu_hours\": 3, \"ticks\": 60}");
        run(2, "cost", "--profile", PROFILE.toString(), "--gpu-hours-from", file.toString());
        assertThat(err.toString().strip())
                .isEqualTo("sieve cost: " + file + " has no number trace_items (write it with sieve simulate"
                        + " scaling --json > FILE)");
    }
}
