package dev.sieve.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.cli.SieveCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CostCommandTest {

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

    private Path profile(String json) throws Exception {
        Path file = dir.resolve("profile.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void cost_whenJson_printsOneLineWithRequiredKeys() throws Exception {
        int code = run("cost", "--profile", profile("{\"expert_rate\": 0.05}").toString(), "--json");
        assertThat(code).isZero();
        assertThat(out.toString().strip())
                .doesNotContain("\n")
                .startsWith("{")
                .contains("\"cost_per_million_usd\":")
                .contains("\"expert_only_cost_per_million_usd\":")
                .contains("\"ratio\":")
                .contains("\"components\":{");
    }

    @Test
    void cost_whenNoJson_printsTable() throws Exception {
        assertThat(run("cost", "--profile", profile("{}").toString())).isZero();
        assertThat(out.toString()).contains("TOTAL $/1M items").contains("break-even expert rate");
    }

    @Test
    void cost_whenRateAboveOne_exitsTwoWithOneLine() throws Exception {
        int code = run("cost", "--profile", profile("{}").toString(), "--expert-rate", "1.5");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("sieve cost: --expert-rate must be between 0 and 1 (got 1.5)");
    }

    @Test
    void cost_whenRateNotANumber_exitsTwoWithOneLine() throws Exception {
        int code = run("cost", "--profile", profile("{}").toString(), "--expert-rate", "abc");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void cost_whenProfileMissing_exitsTwoNamingFile() {
        int code = run("cost", "--profile", dir.resolve("nope.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("profile file not found").doesNotContain("Exception");
    }

    @Test
    void cost_whenProfileMalformed_exitsTwoWithoutStackTrace() throws Exception {
        int code = run("cost", "--profile", profile("{\"expert_rate\": ").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("not valid JSON").doesNotContain("\tat ");
    }

    @Test
    void cost_whenUnknownMode_exitsTwoListingModes() throws Exception {
        int code = run("cost", "--profile", profile("{}").toString(), "--mode", "turbo");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("realtime, async, batch");
    }

    @Test
    void sweep_whenRun_writesPngsAndCsv() throws Exception {
        Path outDir = dir.resolve("plots");
        int code = run("cost", "sweep", "--profile", profile("{}").toString(), "--out", outDir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(outDir.resolve("cost-vs-expert-rate.png")).isNotEmptyFile();
        assertThat(outDir.resolve("cost-vs-batch-size.png")).isNotEmptyFile();
        assertThat(outDir.resolve("cost-vs-spot-share.png")).isNotEmptyFile();
        assertThat(outDir.resolve("sweep.csv")).isNotEmptyFile();
        assertThat(outDir.resolve("breakdown.csv")).isNotEmptyFile();
    }

    @Test
    void unitPrices_whenRun_printsConstants() throws Exception {
        assertThat(run("cost", "unit-prices", "--profile", profile("{}").toString()))
                .isZero();
        assertThat(out.toString()).contains("\"usd_per_gpu_instance_second\":");
    }
}
