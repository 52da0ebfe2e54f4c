package dev.sieve.cli.models;

import dev.sieve.models.calibration.Frontier;
import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.WorkloadProfile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The frontier of {@code sieve eval} as files: a CSV with one row per point (routing rate, blended
 * F1, $ per million items, the thresholds) and a PNG of F1 against routing rate with the gate-only and
 * expert-only lines, the bundle's point, and the cost on a second axis.
 *
 * @param frontier the curve on the test split
 * @param usdPerMillion cost per million items at each point's routing rate (pricing module)
 * @param chosenRate the bundle's thresholds' routing rate on the same split
 * @param chosenF1 the bundle's thresholds' blended F1 on the same split
 */
record FrontierReport(Frontier frontier, double[] usdPerMillion, double chosenRate, double chosenF1) {

    /** Costs every point of {@code frontier} with {@code profile}'s workload at that point's routing rate. */
    static FrontierReport of(
            Frontier frontier, CostModel model, WorkloadProfile profile, double chosenRate, double chosenF1) {
        double[] usd = new double[frontier.size()];
        for (int i = 0; i < usd.length; i++) {
            double rate = frontier.point(i).routingRate();
            usd[i] = model.tiered(profile.toBuilder().expertRate(rate).build()).totalPerMillion();
        }
        return new FrontierReport(frontier, usd, chosenRate, chosenF1);
    }

    void writeCsv(Path file) {
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("routing_rate,routed,f1_blended,usd_per_million");
        frontier.labels().forEach(label -> header.append(",threshold_").append(csv(label)));
        lines.add(header.toString());
        for (int i = 0; i < frontier.size(); i++) {
            Frontier.Point p = frontier.point(i);
            StringBuilder row = new StringBuilder(String.format(
                    Locale.ROOT, "%.6f,%d,%.6f,%.6f", p.routingRate(), p.routed(), p.f1(), usdPerMillion[i]));
            p.thresholds().values().forEach(t -> row.append(String.format(Locale.ROOT, ",%.6f", t)));
            lines.add(row.toString());
        }
        try {
            createParent(file);
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void writePng(Path file, String title) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder()
                .width(1100)
                .height(700)
                .title(title)
                .xAxisTitle("items routed to the expert (%)")
                .yAxisTitle("blended F1 (test split)")
                .build();
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideSE);
        styler.setXAxisDecimalPattern("0");
        styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        styler.putYAxisGroupDecimalPatternMap(0, "0.000");
        styler.putYAxisGroupDecimalPatternMap(1, "$0.00");
        styler.setMarkerSize(8);
        chart.setYAxisGroupTitle(0, "blended F1 (test split)");
        chart.setYAxisGroupTitle(1, "$ per million items");

        int size = frontier.size();
        double[] x = new double[size];
        double[] f1 = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = 100 * frontier.point(i).routingRate();
            f1[i] = frontier.f1(i);
        }
        double[] ends = {0, 100};
        line(chart.addSeries("blended: gate + expert (frontier)", x, f1), new Color(0, 114, 178), false);
        line(
                chart.addSeries(
                        String.format(Locale.ROOT, "gate only (%.4f)", frontier.gateOnlyF1()),
                        ends,
                        new double[] {frontier.gateOnlyF1(), frontier.gateOnlyF1()}),
                new Color(0, 158, 115),
                true);
        if (frontier.hasExpert()) {
            line(
                    chart.addSeries(
                            String.format(Locale.ROOT, "expert only (%.4f)", frontier.expertOnlyF1()),
                            ends,
                            new double[] {frontier.expertOnlyF1(), frontier.expertOnlyF1()}),
                    new Color(213, 94, 0),
                    true);
        }
        XYSeries chosen = chart.addSeries(
                String.format(Locale.ROOT, "this bundle: %.1f%% routed, F1 %.4f", 100 * chosenRate, chosenF1),
                new double[] {100 * chosenRate},
                new double[] {chosenF1});
        chosen.setMarker(SeriesMarkers.DIAMOND);
        chosen.setMarkerColor(Color.BLACK);
        chosen.setLineWidth(0f);
        XYSeries cost = chart.addSeries("$ per million items (right axis)", x, usdPerMillion);
        line(cost, new Color(150, 150, 150), false);
        cost.setYAxisGroup(1);
        try {
            createParent(file);
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void line(XYSeries series, Color color, boolean dashed) {
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setLineWidth(2f);
        if (dashed) {
            series.setLineStyle(
                    new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {10f, 6f}, 0f));
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static String csv(String value) {
        return value.replaceAll("[^A-Za-z0-9_.+-]", "_");
    }
}
