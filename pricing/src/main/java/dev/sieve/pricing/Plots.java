package dev.sieve.pricing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders {@link Sweep} results as PNG files with XChart (headless). */
public final class Plots {

    static final int WIDTH = 1100;
    static final int HEIGHT = 700;

    private static final Color[] LINE_COLORS = {
        new Color(0, 114, 178),
        new Color(213, 94, 0),
        new Color(0, 158, 115),
        new Color(204, 121, 167),
        new Color(86, 180, 233),
        new Color(230, 159, 0)
    };

    private Plots() {}

    /**
     * Writes one PNG per line sweep, the profile's breakdown (tiered vs expert-only) and the design-choice
     * bar chart; returns the files written.
     */
    public static List<Path> writeAll(
            CostReport report, List<Sweep.Result> sweeps, List<Sweep.Scenario> scenarios, Path dir) {
        String subtitle = subtitle(report);
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        List<Path> files = new ArrayList<>();
        for (Sweep.Result r : sweeps) {
            files.add(save(lineChart(r), List.of(subtitle, r.note()), dir.resolve(r.id() + ".png")));
        }
        files.add(save(
                profileBreakdownChart(report),
                List.of(
                        subtitle,
                        "Bars are dollars per million items; the entry path (S3, Lambda, queue) is paid in both."),
                dir.resolve("cost-breakdown.png")));
        files.add(save(
                breakdownChart(scenarios),
                List.of(
                        subtitle,
                        "Each bar is the same workload with one design choice changed; totals in the labels."),
                dir.resolve("cost-breakdown-by-design.png")));
        return files;
    }

    static XYChart lineChart(Sweep.Result r) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(r.title())
                .xAxisTitle(r.xLabel())
                .yAxisTitle(r.yLabel())
                .build();
        style(chart);
        chart.getStyler().setXAxisLogarithmic(r.logX());
        chart.getStyler().setYAxisLogarithmic(r.logY());
        chart.getStyler().setYAxisDecimalPattern(r.logY() ? "$0.####" : "$0.000");
        chart.getStyler().setXAxisDecimalPattern(r.logX() ? "#,##0" : "0");
        if (!r.logY()) {
            chart.getStyler().setYAxisMin(0.0);
        }
        // Keep the legend off the lines: cost rises with the routing rate, falls with batch size and spot share.
        chart.getStyler()
                .setLegendPosition(
                        switch (r.id()) {
                            case "cost-vs-expert-rate" -> LegendPosition.InsideSE;
                            case "cost-vs-spot-share" -> LegendPosition.InsideSW;
                            default -> LegendPosition.InsideNE;
                        });
        int i = 0;
        for (Sweep.Series s : r.series()) {
            XYSeries xy = chart.addSeries(
                    s.name(),
                    s.points().stream().mapToDouble(Sweep.Point::x).toArray(),
                    s.points().stream().mapToDouble(Sweep.Point::usdPerMillion).toArray());
            xy.setMarker(s.points().size() <= 25 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            xy.setLineColor(LINE_COLORS[i % LINE_COLORS.length]);
            xy.setMarkerColor(LINE_COLORS[i % LINE_COLORS.length]);
            xy.setLineWidth(2.5f);
            if (s.name().startsWith("expert only") || s.name().startsWith("batch-transform")) {
                xy.setLineStyle(new BasicStroke(
                        2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {10f, 6f}, 0f));
            }
            i++;
        }
        for (Sweep.Marker m : r.markers()) {
            XYSeries point = chart.addSeries(m.label(), new double[] {m.x()}, new double[] {m.y()});
            point.setMarker(m.label().startsWith("break-even") ? SeriesMarkers.DIAMOND : SeriesMarkers.SQUARE);
            point.setMarkerColor(m.label().startsWith("break-even") ? Color.RED : Color.BLACK);
            point.setShowInLegend(true);
            point.setLineWidth(0f);
            point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        return chart;
    }

    static String subtitle(CostReport report) {
        WorkloadProfile p = report.profile();
        return String.format(
                        Locale.ROOT,
                        "Profile %s: %s items/day, %.1f%% routed, %s at batch %d, %.0f%% spot.",
                        p.name(),
                        CostReport.human(p.itemsPerDay()),
                        100 * p.expertRate(),
                        p.expertInstanceType(),
                        p.expertBatchSize(),
                        100 * p.spotFraction())
                + "\n"
                + String.format(
                        Locale.ROOT,
                        "Prices: us-east-1 list prices, table %s (free tiers ignored, spot prices estimated). GPU"
                                + " throughput: %s.",
                        report.priceTableVersion(),
                        report.throughput().estimate()
                                ? "scaled ESTIMATE from an H100 measurement"
                                : "measured, " + report.throughput().source());
    }

    static CategoryChart profileBreakdownChart(CostReport report) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH + 200)
                .height(HEIGHT)
                .title(String.format(
                        Locale.ROOT,
                        "Cost per million items by component: tiered $%.4f vs expert-only $%.4f",
                        report.tiered().totalPerMillion(),
                        report.expertOnly().totalPerMillion()))
                .xAxisTitle("component of the AWS bill")
                .yAxisTitle("cost per million items (USD)")
                .build();
        style(chart);
        chart.getStyler().setYAxisDecimalPattern("$0.000");
        chart.getStyler().setXAxisLabelRotation(25);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        List<Component> used = java.util.Arrays.stream(Component.values())
                .filter(c -> report.tiered().perMillion(c) > 1e-9
                        || report.expertOnly().perMillion(c) > 1e-9)
                .toList();
        List<String> names = used.stream().map(Component::jsonName).toList();
        chart.addSeries(
                        String.format(
                                Locale.ROOT,
                                "tiered: gate answers, %.1f%% go to the GPU expert",
                                100 * report.profile().expertRate()),
                        names,
                        used.stream().map(c -> report.tiered().perMillion(c)).toList())
                .setFillColor(LINE_COLORS[0]);
        chart.addSeries(
                        "expert only: every item to the GPU expert",
                        names,
                        used.stream()
                                .map(c -> report.expertOnly().perMillion(c))
                                .toList())
                .setFillColor(LINE_COLORS[1]);
        return chart;
    }

    static CategoryChart breakdownChart(List<Sweep.Scenario> scenarios) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH + 200)
                .height(HEIGHT + 100)
                .title("Where each dollar goes: cost per million items by component, for a few design choices")
                .xAxisTitle("design choice (same items, same routing rate)")
                .yAxisTitle("cost per million items (USD), stacked by component")
                .build();
        style(chart);
        chart.getStyler().setStacked(true);
        chart.getStyler().setShowStackSum(true);
        chart.getStyler().setYAxisDecimalPattern("$0.000");
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(12);
        chart.getStyler().setOverlapped(false);
        List<String> names = scenarios.stream()
                .map(s -> String.format(
                        Locale.ROOT, "%s: $%.3f", s.name(), s.breakdown().totalPerMillion()))
                .toList();
        int i = 0;
        for (Component c : Component.values()) {
            List<Double> values =
                    scenarios.stream().map(s -> s.breakdown().perMillion(c)).toList();
            if (values.stream().allMatch(v -> v < 1e-9)) {
                continue;
            }
            chart.addSeries(c.jsonName(), names, values).setFillColor(COMPONENT_COLORS[i++ % COMPONENT_COLORS.length]);
        }
        return chart;
    }

    private static final Color[] COMPONENT_COLORS = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207), new Color(174, 199, 232), new Color(255, 187, 120),
        new Color(152, 223, 138)
    };

    private static void style(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
        styler.setLegendPosition(LegendPosition.InsideNE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setPlotBorderVisible(false);
        if (styler instanceof org.knowm.xchart.style.AxesChartStyler axes) {
            axes.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            axes.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            axes.setPlotGridLinesColor(new Color(225, 225, 225));
        }
    }

    /** Renders the chart and adds a footer with the given lines (what the numbers rest on). */
    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, List<String> footer, Path file) {
        BufferedImage plot = BitmapEncoder.getBufferedImage(chart);
        List<String> lines = footer.stream()
                .flatMap(f -> java.util.Arrays.stream(f.split("\n")))
                .toList();
        int lineHeight = 20;
        BufferedImage out = new BufferedImage(
                plot.getWidth(), plot.getHeight() + lineHeight * lines.size() + 12, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(plot, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
            int y = plot.getHeight() + lineHeight - 4;
            for (String line : lines) {
                g.drawString(line, 16, y);
                y += lineHeight;
            }
        } finally {
            g.dispose();
        }
        try {
            ImageIO.write(out, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }
}
