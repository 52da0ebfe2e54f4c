package dev.sieve.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.cli.models.ModelCommandsTest.Run;
import dev.sieve.models.expert.Encoder;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sieve bundle import} with a real encoder-only export (MiniLM's ONNX graph and tokenizer.json,
 * copied out of their jar as a user's export would be): Sieve pools it, trains a head on the data, and
 * {@code sieve eval} runs the bundle's expert.
 */
class BundleImportIT {
    @TempDir
    static Path dir;

    private static Path data;
    private static Path onnx;
    private static Path tokenizer;

    @BeforeAll
    static void export() throws IOException {
        data = TopicCorpus.write(dir.resolve("topics.jsonl"), 40, 5);
        Path cache = Path.of("target", "bundle-import-it-cache");
        Path export = Files.createDirectories(dir.resolve("my-encoder"));
        onnx = Files.copy(Encoder.MINILM_L6.onnxFile(cache), export.resolve("model.onnx"));
        tokenizer = Files.copy(Encoder.MINILM_L6.tokenizerFile(cache), export.resolve("tokenizer.json"));
    }

    @Test
    void import_whenEncoderOnly_trainsSievesHeadAndEvalRunsTheExpert() throws IOException {
        Path bundle = dir.resolve("encoder-bundle");
        Run imported = ModelCommandsTest.run(
                "bundle",
                "import",
                "--onnx",
                onnx.toString(),
                "--tokenizer",
                tokenizer.toString(),
                "--pooling",
                "mean",
                "--max-tokens",
                "32",
                "--tail-tokens",
                "0",
                "--data",
                data.toString(),
                "--out",
                bundle.toString(),
                "--cache-dir",
                dir.resolve("cache").toString(),
                "--no-tune");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("Sieve trains the head");

        ModelBundle loaded = ModelBundle.open(bundle);
        assertThat(loaded.component(BundleManifest.EXPERT)).isPresent();
        assertThat(loaded.labels()).containsExactlyInAnyOrderElementsOf(TopicCorpus.LABELS);
        JsonNode manifest =
                Json.mapper().readTree(bundle.resolve("manifest.json").toFile());
        assertThat(manifest.toString()).contains("FILE_");

        Run eval = ModelCommandsTest.run(
                "eval",
                "--bundle",
                bundle.toString(),
                "--cache-dir",
                dir.resolve("cache").toString(),
                "--json");
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode result = Json.mapper().readTree(eval.out());
        assertThat(result.get("f1_expert_only").asDouble()).isGreaterThan(0.8);
        assertThat(result.get("f1_blended").asDouble()).isGreaterThan(0.8);
    }

    @Test
    void import_whenClassifierLayoutLacksConfig_orPoolingIsUnknown_saysWhat() throws IOException {
        Run badPooling = ModelCommandsTest.run(
                "bundle",
                "import",
                "--onnx",
                onnx.toString(),
                "--tokenizer",
                tokenizer.toString(),
                "--pooling",
                "max",
                "--data",
                data.toString(),
                "--out",
                dir.resolve("never").toString());
        assertThat(badPooling.exit()).isNotZero();
        assertThat(badPooling.err()).contains("--pooling must be mean or cls, got 'max'");

        Run fineTune = ModelCommandsTest.run(
                "bundle",
                "import",
                "--onnx",
                onnx.toString(),
                "--tokenizer",
                tokenizer.toString(),
                "--data",
                data.toString(),
                "--fine-tune");
        assertThat(fineTune.exit()).isNotZero();
        assertThat(fineTune.err()).contains("--fine-tune does not apply to an imported expert");

        Path notOnnx = Files.writeString(dir.resolve("not.onnx"), "hello");
        Run garbage = ModelCommandsTest.run(
                "bundle", "import", "--onnx", notOnnx.toString(), "--tokenizer", tokenizer.toString());
        assertThat(garbage.exit()).isNotZero();
        assertThat(garbage.err()).contains("is not an ONNX graph ONNX Runtime can load");
        assertThat(Files.exists(dir.resolve("never"))).isFalse();
    }
}
