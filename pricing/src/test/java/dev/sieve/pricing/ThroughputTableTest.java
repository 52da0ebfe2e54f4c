package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputTableTest {

    @Test
    void solveHalfBatch_whenFitted_passesThroughBothH100Points() {
        double h = ThroughputTable.solveHalfBatch();
        double max = 82_600.0 * (1024 + h) / 1024;
        assertThat(max * 128 / (128 + h)).isCloseTo(54_000, within(1e-6));
        assertThat(h).isCloseTo(83.8, within(0.1));
    }

    @Test
    void reference_whenA10G_isH100ScaledByTflopsRatio() {
        ThroughputTable ref = ThroughputTable.reference();
        double itemsPerSecond = ref.lookup("g5.xlarge", 128, 128).itemsPerSecond();
        assertThat(itemsPerSecond).isCloseTo(54_000 * 125.0 / 989.0, within(1e-6));
        assertThat(ref.estimate()).isTrue();
        assertThat(ref.source()).startsWith("DEFAULT REFERENCE (scaled estimate");
    }

    @Test
    void sequenceFactor_whenAtMeasuredLengths_matchesH100Ratios() {
        assertThat(ThroughputTable.sequenceFactor(128)).isEqualTo(1.0);
        assertThat(ThroughputTable.sequenceFactor(64)).isEqualTo(1.0);
        assertThat(ThroughputTable.sequenceFactor(256)).isCloseTo(40_000 / 82_600.0, within(1e-12));
        assertThat(ThroughputTable.sequenceFactor(512)).isCloseTo(18_000 / 82_600.0, within(1e-12));
    }

    @Test
    void lookup_whenBetweenMeasuredBatchSizes_interpolatesInLog2() {
        ThroughputTable t = ThroughputTable.of(
                List.of(
                        new ThroughputTable.Point("g5.xlarge", 32, 1000, 128),
                        new ThroughputTable.Point("g5.xlarge", 128, 2000, 128)),
                "test");
        assertThat(t.lookup("g5.xlarge", 64, 128).itemsPerSecond()).isCloseTo(1500, within(1e-9));
        assertThat(t.lookup("g5.xlarge", 8, 128).itemsPerSecond()).isEqualTo(1000);
        assertThat(t.lookup("g5.xlarge", 4096, 128).itemsPerSecond()).isEqualTo(2000);
    }

    @Test
    void lookup_whenItemsLongerThanBenchmark_scalesBySequenceShape() {
        ThroughputTable t = ThroughputTable.of(List.of(new ThroughputTable.Point("g5.xlarge", 128, 2000, 256)), "test");
        assertThat(t.lookup("g5.xlarge", 128, 512).itemsPerSecond()).isCloseTo(2000 * 18.0 / 40.0, within(1e-9));
    }

    @Test
    void load_whenSinglePointFile_readsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bench.json");
        Files.writeString(
                file,
                "{\"instance_type\": \"g6.xlarge\", \"items_per_s\": 3100.5, \"batch_size\": 64, \"source\": \"bench\"}");
        ThroughputTable t = ThroughputTable.load(file);
        assertThat(t.lookup("g6.xlarge", 64, 128).itemsPerSecond()).isEqualTo(3100.5);
        assertThat(t.source()).isEqualTo("bench");
        assertThat(t.estimate()).isFalse();
    }

    @Test
    void load_whenCurveFile_readsEveryPoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("curve.json");
        Files.writeString(file, """
                {"source": "bench", "instance_type": "g5.xlarge", "seq_len": 256,
                 "points": [{"batch_size": 16, "items_per_s": 800}, {"batch_size": 256, "items_per_s": 2600}]}
                """);
        ThroughputTable t = ThroughputTable.load(file);
        assertThat(t.curve("g5.xlarge")).hasSize(2);
        assertThat(t.curve("g5.xlarge").get(0).seqLen()).isEqualTo(256);
    }

    @Test
    void load_whenItemsPerSecondNegative_failsNamingField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"instance_type\": \"g5.xlarge\", \"items_per_s\": -1, \"batch_size\": 64}");
        assertThatThrownBy(() -> ThroughputTable.load(file))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("items_per_s must be greater than 0");
    }

    @Test
    void lookup_whenInstanceUnknown_failsListingKnownTypes() {
        assertThatThrownBy(() -> ThroughputTable.reference().lookup("p5.48xlarge", 128, 128))
                .hasMessageContaining("p5.48xlarge")
                .hasMessageContaining("g5.xlarge");
    }
}
