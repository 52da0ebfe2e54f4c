package dev.sieve.shared.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

    @TempDir
    Path dir;

    private ModelBundle writeBundle() throws IOException {
        Files.writeString(dir.resolve("gate.bin"), "gate weights");
        Files.writeString(dir.resolve("thresholds.json"), "{\"spam\":0.9}");
        return ModelBundle.write(
                dir,
                List.of("ham", "spam"),
                Map.of(BundleManifest.GATE, "gate.bin", BundleManifest.THRESHOLDS, "thresholds.json"),
                Map.of("data_sha256", "abc"));
    }

    @Test
    void open_whenFilesMatchManifest_returnsBundleWithLabelsAndComponents() throws IOException {
        ModelBundle written = writeBundle();

        ModelBundle opened = ModelBundle.open(dir);

        assertThat(opened.version()).isEqualTo(written.version()).hasSize(16);
        assertThat(opened.labels()).containsExactly("ham", "spam");
        assertThat(opened.requireComponent(BundleManifest.GATE)).isEqualTo(dir.resolve("gate.bin"));
        assertThat(opened.component(BundleManifest.EXPERT)).isEmpty();
    }

    @Test
    void write_whenSameFiles_givesSameVersion() throws IOException {
        String first = writeBundle().version();
        String second = writeBundle().version();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void open_whenFileChanged_failsNamingTheFile() throws IOException {
        writeBundle();
        Files.writeString(dir.resolve("gate.bin"), "tampered weights");

        assertThatThrownBy(() -> ModelBundle.open(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("'gate.bin' does not match the manifest");
    }

    @Test
    void open_whenFileMissing_failsNamingTheFile() throws IOException {
        writeBundle();
        Files.delete(dir.resolve("thresholds.json"));

        assertThatThrownBy(() -> ModelBundle.open(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("'thresholds.json' listed in the manifest is missing");
    }

    @Test
    void open_whenNoManifest_saysItIsNotABundle() {
        assertThatThrownBy(() -> ModelBundle.open(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("not a model bundle");
    }

    @Test
    void requireComponent_whenAbsent_listsWhatTheBundleHas() throws IOException {
        ModelBundle bundle = writeBundle();
        assertThatThrownBy(() -> bundle.requireComponent(BundleManifest.EXPERT))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("no 'expert' component")
                .hasMessageContaining("gate");
    }
}
