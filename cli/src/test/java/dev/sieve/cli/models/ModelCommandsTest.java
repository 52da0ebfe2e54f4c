package dev.sieve.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.SieveCommand;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The model commands end to end on a small generated three-class JSON Lines file (gate-only bundles). */
class ModelCommandsTest {
    @TempDir
    static Path dir;

    private static Path data;
    private static Path bundle;
    private static Run trained;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SieveCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void train() throws IOException {
        data = TopicCorpus.write(dir.resolve("topics.jsonl"), 60, 3);
        bundle = dir.resolve("bundle");
        trained = run(
                "train",
                "--data",
                data.toString(),
                "--out",
                bundle.toString(),
                "--cache-dir",
                dir.resolve("cache").toString(),
                "--skip-expert",
                "--no-tune",
                "--expert-rate",
                "0.2");
    }

    @Test
    void train_whenMultiClassJsonl_writesAGateOnlyBundle() {
        assertThat(trained.exit()).as(trained.err()).isZero();
        assertThat(bundle.resolve("manifest.json")).exists();
        assertThat(bundle.resolve("gate.bin")).exists();
        assertThat(bundle.resolve("thresholds.json")).exists();
        assertThat(trained.out()).contains("bundle: " + bundle);
    }

    @Test
    void eval_withJson_printsOneLineWithMacroF1AndNullExpertFields() throws IOException {
        Run eval = run(
                "eval",
                "--bundle",
                bundle.toString(),
                "--json",
                "--cache-dir",
                dir.resolve("cache").toString());

        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out().strip()).doesNotContain("\n");
        JsonNode result = Json.mapper().readTree(eval.out());
        assertThat(result.get("items").asInt()).isEqualTo(27);
        assertThat(result.get("f1_kind").asText()).isEqualTo("macro");
        assertThat(result.get("f1_gate_only").asDouble()).isGreaterThan(0.8);
        assertThat(result.get("expert_fraction").asDouble()).isBetween(0.0, 0.5);
        assertThat(result.has("f1_expert_only")).isTrue();
        assertThat(result.get("f1_expert_only").isNull()).isTrue();
        assertThat(result.get("per_class").get("gate").fieldNames())
                .toIterable()
                .containsExactly("food", "sports", "tech");
        assertThat(result.get("per_class")
                        .get("routing")
                        .get("tech")
                        .get("routing_rate")
                        .asDouble())
                .isBetween(0.0, 1.0);
        Path csv = Path.of(result.get("frontier_csv").asText());
        assertThat(Files.readAllLines(csv).get(0))
                .isEqualTo("routing_rate,routed,f1_blended,usd_per_million,threshold_food,threshold_sports,"
                        + "threshold_tech");
        assertThat(Files.size(Path.of(result.get("frontier_png").asText()))).isPositive();
        assertThat(result.get("warning").isNull()).isTrue();
    }

    @Test
    void calibrate_withExpertRate_rewritesThresholdsAndKeepsTheBundleValid() {
        Run calibrate = run("calibrate", "--bundle", bundle.toString(), "--expert-rate", "0.1");

        assertThat(calibrate.exit()).as(calibrate.err()).isZero();
        assertThat(calibrate.out()).contains("expert_rate");
        assertThat(run("eval", "--bundle", bundle.toString()).exit()).isZero();
    }

    @Test
    void benchGate_withJson_printsLatencyAndThroughput() throws IOException {
        Run bench = run("bench", "gate", "--bundle", bundle.toString(), "--json", "--seconds", "0.2");

        assertThat(bench.exit()).as(bench.err()).isZero();
        JsonNode result = Json.mapper().readTree(bench.out());
        assertThat(result.get("gate_p50_us").asDouble()).isPositive();
        assertThat(result.get("gate_p99_us").asDouble())
                .isGreaterThanOrEqualTo(result.get("gate_p50_us").asDouble());
        assertThat(result.get("gate_items_per_s").asDouble()).isPositive();
        assertThat(result.get("expert_us_per_item").isNull()).isTrue();
    }

    @Test
    void train_whenATextIsEmpty_failsWithOneLineNamingTheLine() throws IOException {
        Path bad = Files.writeString(
                dir.resolve("bad.jsonl"),
                "{\"id\":\"a\",\"text\":\"fine\",\"label\":\"x\"}\n{\"id\":\"b\",\"text\":\"\",\"label\":\"y\"}\n");

        Run run = run(
                "train", "--data", bad.toString(), "--out", dir.resolve("b1").toString(), "--skip-expert");

        assertThat(run.exit()).isEqualTo(ModelCommand.EXIT_USAGE);
        String[] lines = run.err().strip().split("\n");
        assertThat(lines[lines.length - 1])
                .startsWith("sieve train: ")
                .contains("line 2")
                .contains("'text' is empty");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void train_whenDataHasAnUnknownLabel_namesTheExample() {
        Run run = run(
                "train",
                "--data",
                data.toString(),
                "--labels",
                "sports,tech",
                "--out",
                dir.resolve("b2").toString(),
                "--skip-expert");

        assertThat(run.exit()).isEqualTo(ModelCommand.EXIT_USAGE);
        assertThat(run.err()).contains("has label 'food'").contains("[sports, tech]");
    }

    @Test
    void eval_whenABundleFileIsMissing_saysWhichFile() throws IOException {
        Path copy = dir.resolve("broken");
        Files.createDirectories(copy);
        for (String name : List.of("manifest.json", "thresholds.json")) {
            Files.copy(bundle.resolve(name), copy.resolve(name));
        }

        Run run = run("eval", "--bundle", copy.toString());

        assertThat(run.exit()).isEqualTo(ModelCommand.EXIT_USAGE);
        assertThat(run.err()).contains("gate.bin").contains("missing");
    }

    @Test
    void train_whenDataFileIsNotUtf8_saysSo() throws IOException {
        Path bad = dir.resolve("latin1.jsonl");
        Files.write(
                bad, "{\"id\":\"a\",\"text\":\"caf\u00e9\",\"label\":\"x\"}\n".getBytes(StandardCharsets.ISO_8859_1));

        Run run = run(
                "train", "--data", bad.toString(), "--out", dir.resolve("b3").toString(), "--skip-expert");

        assertThat(run.exit()).isEqualTo(ModelCommand.EXIT_USAGE);
        assertThat(run.err()).contains("line 1").contains("not valid UTF-8");
    }
}
