package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepAndPlotsTest {

    private final CostModel model = CostModel.withDefaults();
    private final WorkloadProfile profile = WorkloadProfile.load(Path.of("profiles/spamassassin-batch-1b.json"));
    private final Sweep sweep = Sweep.create(model);

    @Test
    void expertRate_whenSwept_marksBreakEvenOnTheExpertOnlyLine() {
        Sweep.Result r = sweep.expertRate(profile);
        double expertOnly = model.expertOnly(profile).totalPerMillion();
        Sweep.Marker breakEven = r.markers().get(0);
        assertThat(breakEven.label()).startsWith("break-even");
        assertThat(breakEven.y()).isEqualTo(expertOnly);
        assertThat(breakEven.x()).isCloseTo(100 * model.breakEvenExpertRate(profile), within(1e-9));
        assertThat(r.series().get(0).points()).hasSize(101);
    }

    @Test
    void batchSize_whenSwept_costFallsAsBatchesGrow() {
        Sweep.Result r = sweep.batchSize(profile);
        assertThat(r.series()).hasSize(3);
        for (Sweep.Series s : r.series()) {
            List<Sweep.Point> p = s.points();
            assertThat(p.get(0).usdPerMillion())
                    .isGreaterThan(p.get(p.size() - 1).usdPerMillion());
        }
    }

    @Test
    void spotShare_whenSwept_costFallsWithSpot() {
        Sweep.Series g5 = sweep.spotShare(profile).series().stream()
                .filter(s -> s.name().startsWith("g5.xlarge"))
                .findFirst()
                .orElseThrow();
        assertThat(g5.points().get(0).usdPerMillion())
                .isGreaterThan(g5.points().get(g5.points().size() - 1).usdPerMillion());
    }

    @Test
    void designChoices_whenBatchResultsInDynamoDb_costMoreThanPartFiles() {
        List<Sweep.Scenario> s = sweep.designChoices(profile);
        assertThat(s.get(1).breakdown().totalPerMillion())
                .isGreaterThan(10 * s.get(0).breakdown().totalPerMillion());
    }

    @Test
    void writeAll_whenRendered_writesReadablePngsAndCsv(@TempDir Path dir) throws Exception {
        CostReport report = model.estimate(profile);
        List<Sweep.Result> results = sweep.all(profile);
        List<Path> files = Plots.writeAll(report, results, sweep.designChoices(profile), dir);
        assertThat(files).hasSize(6);
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            assertThat(bytes.length).as(f.toString()).isGreaterThan(10_000);
            assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("PNG");
        }
        Path csv = dir.resolve("sweep.csv");
        Sweep.writeCsv(results, csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("plot,series,x_label,x,cost_per_million_usd");
        int points = results.stream()
                .flatMap(r -> r.series().stream())
                .mapToInt(s -> s.points().size())
                .sum();
        assertThat(lines).hasSize(points + 1);
    }

    @Test
    void unitPrices_whenForProfile_reproduceTheModelAtTheProfileRate() {
        UnitPrices u = UnitPrices.forProfile(model, profile);
        CostBreakdown b = model.tiered(profile);
        assertThat(u.usdPerGpuInstanceSecond()).isCloseTo(model.gpuHourlyUsd(profile) / 3600, within(1e-15));
        double r = profile.expertRate();
        double liveFigure = 1e6 * (u.usdPerGateItem() + r * u.usdPerEscalatedItem() + r * u.usdPerExpertItem());
        // linear in the rate, while SQS packing is not: agree within 15 %
        assertThat(liveFigure).isCloseTo(b.totalPerMillion(), within(0.15 * b.totalPerMillion()));
        assertThat(u.toJsonLine()).contains("\"usd_per_gate_item\":").contains("\"metric_math\":");
    }
}
