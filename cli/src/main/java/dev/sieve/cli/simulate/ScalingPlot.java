package dev.sieve.cli.simulate;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The per-tick CSV and the PNG plot (backlog on the right axis; desired, running and instances on the left). */
final class ScalingPlot {
    private ScalingPlot() {}

    static void writeCsv(List<ScalingSimulator.Tick> ticks, Path csv) {
        StringBuilder out = new StringBuilder(
                "minute,items_per_second,backlog_messages,desired,running,instances,wake_alarm,backlog_per_task\n");
        for (ScalingSimulator.Tick t : ticks) {
            out.append(t.minute())
                    .append(',')
                    .append(t.itemsPerSecond())
                    .append(',')
                    .append(t.backlogMessages())
                    .append(',')
                    .append(t.desired())
                    .append(',')
                    .append(t.running())
                    .append(',')
                    .append(t.instances())
                    .append(',')
                    .append(t.wakeAlarm() ? 1 : 0)
                    .append(',')
                    .append(Double.isNaN(t.backlogPerTask()) ? "" : String.valueOf(t.backlogPerTask()))
                    .append('\n');
        }
        write(csv, () -> Files.writeString(csv, out));
    }

    static void writePng(List<ScalingSimulator.Tick> ticks, String title, Path png) {
        System.setProperty("java.awt.headless", "true");
        double[] hours = ticks.stream().mapToDouble(t -> t.minute() / 60.0).toArray();
        XYChart chart = new XYChartBuilder()
                .width(1100)
                .height(500)
                .title(title)
                .xAxisTitle("hours since start")
                .yAxisTitle("tasks")
                .build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setXAxisTickMarkSpacingHint(80);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.setYAxisGroupTitle(1, "backlog (messages)");
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        XYSeries backlog = chart.addSeries(
                "backlog (messages)",
                hours,
                ticks.stream()
                        .mapToDouble(ScalingSimulator.Tick::backlogMessages)
                        .toArray());
        backlog.setYAxisGroup(1);
        backlog.setLineColor(new Color(150, 150, 150));
        series(
                chart,
                "desired tasks",
                hours,
                ticks.stream().mapToDouble(ScalingSimulator.Tick::desired).toArray(),
                new Color(213, 94, 0));
        series(
                chart,
                "running tasks",
                hours,
                ticks.stream().mapToDouble(ScalingSimulator.Tick::running).toArray(),
                new Color(0, 114, 178));
        for (XYSeries s : chart.getSeriesMap().values()) {
            s.setMarker(SeriesMarkers.NONE);
            s.setLineWidth(1.8f);
        }
        write(png, () -> BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG));
    }

    private static void series(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void write(Path file, Io io) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            io.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
