package dev.sieve.cli.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The load run's PNG plots (XChart, like the pricing module's): throughput and p50/p95/p99 against load,
 * one pair per workload, and dollars per million items as a heat map of load x items per request.
 */
final class LoadPlots {
    private LoadPlots() {}

    static List<Path> write(List<StepResult> steps, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        if (steps.isEmpty()) {
            return files;
        }
        Map<String, List<StepResult>> byWorkload = new LinkedHashMap<>();
        steps.forEach(s -> byWorkload
                .computeIfAbsent(s.workload().label(), k -> new ArrayList<>())
                .add(s));
        String levelName = steps.get(0).workload().model().levelName().replace('_', ' ');
        XYChart throughput = new XYChartBuilder()
                .width(1000)
                .height(600)
                .title("Throughput vs load (items answered per second)")
                .xAxisTitle(levelName)
                .yAxisTitle("items/s")
                .build();
        XYChart latency = new XYChartBuilder()
                .width(1000)
                .height(600)
                .title("Latency vs load (submit to last answer)")
                .xAxisTitle(levelName)
                .yAxisTitle("ms")
                .build();
        for (Map.Entry<String, List<StepResult>> entry : byWorkload.entrySet()) {
            List<StepResult> series = new ArrayList<>(entry.getValue());
            series.sort((a, b) -> Integer.compare(a.level(), b.level()));
            List<Double> x = series.stream().map(s -> (double) s.level()).toList();
            throughput.addSeries(
                    entry.getKey(),
                    x,
                    series.stream().map(StepResult::itemsPerSecond).toList());
            latency.addSeries(
                    entry.getKey() + " p50",
                    x,
                    series.stream().map(StepResult::p50Ms).toList());
            latency.addSeries(
                    entry.getKey() + " p95",
                    x,
                    series.stream().map(StepResult::p95Ms).toList());
            latency.addSeries(
                    entry.getKey() + " p99",
                    x,
                    series.stream().map(StepResult::p99Ms).toList());
        }
        throughput.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        latency.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        files.add(save(throughput, dir.resolve("throughput-vs-load.png")));
        files.add(save(latency, dir.resolve("latency-vs-load.png")));

        TreeSet<Integer> levels = new TreeSet<>();
        TreeSet<Integer> sizes = new TreeSet<>();
        Map<Integer, Map<Integer, Double>> cost = new TreeMap<>();
        for (StepResult s : steps) {
            levels.add(s.level());
            sizes.add(s.workload().itemsPerRequest());
            cost.computeIfAbsent(s.level(), k -> new TreeMap<>())
                    .put(s.workload().itemsPerRequest(), s.costPerMillionUsd());
        }
        List<Integer> xs = new ArrayList<>(levels);
        List<Integer> ys = new ArrayList<>(sizes);
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            for (int j = 0; j < ys.size(); j++) {
                Double value = cost.getOrDefault(xs.get(i), Map.of()).get(ys.get(j));
                if (value != null) {
                    cells.add(new Number[] {i, j, value});
                }
            }
        }
        HeatMapChart heat = new HeatMapChartBuilder()
                .width(1000)
                .height(600)
                .title("$ per million items vs load x items per request (measured usage, priced)")
                .xAxisTitle(levelName)
                .yAxisTitle("items per request")
                .build();
        heat.getStyler().setShowValue(true);
        heat.getStyler().setDecimalPattern("0.0000");
        heat.addSeries("$/million", xs, ys, cells);
        files.add(save(heat, dir.resolve("cost-heatmap.png")));
        return files;
    }

    private static Path save(Chart<?, ?> chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }
}
