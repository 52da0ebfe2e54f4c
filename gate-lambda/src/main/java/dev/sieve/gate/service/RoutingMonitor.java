package dev.sieve.gate.service;

import dev.sieve.gate.JsonLog;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.metrics.Metrics.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Watches the gate's live routing rate (the share of items escalated to the expert) against the rate
 * its thresholds were calibrated to, overall and per predicted class.
 *
 * <p>Every request or chunk records its counts as metrics ({@link MetricNames#GATE_ITEMS}, {@link
 * MetricNames#ESCALATED_ITEMS} and {@link MetricNames#EXPECTED_ESCALATED_ITEMS}, so a fleet-wide alarm
 * can divide escalated by expected). Within this process, every {@value #WINDOW_ITEMS} items the
 * window is compared with the calibrated band and a {@code routing rate left its calibrated band}
 * warning is logged when it left it; {@link #snapshot()} gives the figures since start (local mode's
 * report). Counts start over when the bundle version changes. Thread-safe.
 */
public final class RoutingMonitor {
    /** Items per evaluation window. */
    public static final int WINDOW_ITEMS = 1000;
    /** Per-class figures are judged only with at least this many items of the class in the window. */
    static final int MIN_CLASS_ITEMS = 50;
    /** A live rate within this absolute distance of the calibrated rate is always in band. */
    static final double MIN_ABSOLUTE_GAP = 0.02;

    private final Metrics metrics;
    private String version;
    private List<String> labels = List.of();
    private GateThresholds thresholds;
    private long[] totalItems = new long[0];
    private long[] totalEscalated = new long[0];
    private long[] windowItems = new long[0];
    private long[] windowEscalated = new long[0];
    private long windowsOutOfBand;
    private long windowsJudged;

    public RoutingMonitor(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Counts of one request or chunk, per predicted class; not thread-safe, one per request. */
    public static final class Tally {
        private final LoadedGate gate;
        private final long[] items;
        private final long[] escalated;

        private Tally(LoadedGate gate) {
            this.gate = gate;
            this.items = new long[gate.scorer().labels().size()];
            this.escalated = new long[items.length];
        }

        public void add(LoadedGate.Verdict verdict) {
            items[verdict.labelIndex()]++;
            if (!verdict.confident()) {
                escalated[verdict.labelIndex()]++;
            }
        }
    }

    public Tally tally(LoadedGate gate) {
        return new Tally(gate);
    }

    /** Emits the tally's metrics and adds it to the window (logging when the window left its band). */
    public void record(Tally tally) {
        long items = sum(tally.items);
        if (items == 0) {
            return;
        }
        long escalated = sum(tally.escalated);
        Map<String, Metric> values = new LinkedHashMap<>();
        values.put(MetricNames.GATE_ITEMS, Metric.count(items));
        values.put(MetricNames.GATE_ANSWERED_ITEMS, Metric.count(items - escalated));
        values.put(MetricNames.ESCALATED_ITEMS, Metric.count(escalated));
        OptionalDouble calibrated = tally.gate.thresholds().calibratedRoutingRate();
        if (calibrated.isPresent()) {
            values.put(MetricNames.EXPECTED_ESCALATED_ITEMS, Metric.count(items * calibrated.getAsDouble()));
        }
        metrics.record(Map.of(), values);
        Map<String, Object> drift = add(tally);
        if (drift != null) {
            JsonLog.warn("routing rate left its calibrated band", drift);
        }
    }

    /** Adds to the counts; returns the log fields when a window just closed out of band. */
    private synchronized Map<String, Object> add(Tally tally) {
        if (!tally.gate.bundleVersion().equals(version)) {
            version = tally.gate.bundleVersion();
            labels = tally.gate.scorer().labels();
            thresholds = tally.gate.thresholds();
            int n = labels.size();
            totalItems = new long[n];
            totalEscalated = new long[n];
            windowItems = new long[n];
            windowEscalated = new long[n];
            windowsOutOfBand = 0;
            windowsJudged = 0;
        }
        for (int i = 0; i < labels.size(); i++) {
            totalItems[i] += tally.items[i];
            totalEscalated[i] += tally.escalated[i];
            windowItems[i] += tally.items[i];
            windowEscalated[i] += tally.escalated[i];
        }
        if (sum(windowItems) < WINDOW_ITEMS) {
            return null;
        }
        Figures window = figures(windowItems, windowEscalated, MIN_CLASS_ITEMS);
        windowsJudged++;
        java.util.Arrays.fill(windowItems, 0);
        java.util.Arrays.fill(windowEscalated, 0);
        if (window.inBand()) {
            return null;
        }
        windowsOutOfBand++;
        Map<String, Object> fields = window.asLog();
        fields.put("bundle_version", version);
        fields.put("window_items", window.items());
        return fields;
    }

    /** Routing since start (or since the bundle version changed), with the calibrated figures beside. */
    public synchronized Figures snapshot() {
        return figures(totalItems, totalEscalated, MIN_CLASS_ITEMS);
    }

    /** Windows of {@value #WINDOW_ITEMS} items judged, and how many of them were out of band. */
    public synchronized long[] windows() {
        return new long[] {windowsJudged, windowsOutOfBand};
    }

    private Figures figures(long[] items, long[] escalated, int minClassItems) {
        long all = sum(items);
        long up = sum(escalated);
        Double calibrated = thresholds == null ? null : boxed(thresholds.calibratedRoutingRate());
        Map<String, ClassFigures> perClass = new LinkedHashMap<>();
        boolean inBand = all == 0 || calibrated == null || inBand(up / (double) all, calibrated);
        for (int i = 0; i < labels.size(); i++) {
            Double classCalibrated = boxed(thresholds.calibratedRoutingRate(labels.get(i)));
            double rate = items[i] == 0 ? 0 : escalated[i] / (double) items[i];
            boolean classInBand = items[i] < minClassItems || classCalibrated == null || inBand(rate, classCalibrated);
            perClass.put(labels.get(i), new ClassFigures(items[i], escalated[i], rate, classCalibrated, classInBand));
            inBand &= classInBand;
        }
        return new Figures(version, all, up, all == 0 ? 0 : up / (double) all, calibrated, inBand, perClass);
    }

    /**
     * In band: within {@link MetricNames#ROUTING_DRIFT_ALARM_RATIO} times (or that fraction of) the
     * calibrated rate, or within {@value #MIN_ABSOLUTE_GAP} of it.
     */
    public static boolean inBand(double live, double calibrated) {
        if (Math.abs(live - calibrated) <= MIN_ABSOLUTE_GAP) {
            return true;
        }
        double factor = MetricNames.ROUTING_DRIFT_ALARM_RATIO;
        return live <= calibrated * factor && live >= calibrated / factor;
    }

    /** Routing figures of a window or of the whole run. */
    public record Figures(
            String bundleVersion,
            long items,
            long escalated,
            double routingRate,
            Double calibratedRoutingRate,
            boolean inBand,
            Map<String, ClassFigures> perClass) {

        /** Flat fields for a log line or a JSON report. */
        public Map<String, Object> asLog() {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("routing_rate", round(routingRate));
            fields.put("calibrated_routing_rate", calibratedRoutingRate == null ? null : round(calibratedRoutingRate));
            fields.put("routing_in_band", inBand);
            Map<String, Object> classes = new LinkedHashMap<>();
            perClass.forEach((label, figures) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("items", figures.items());
                one.put("routing_rate", round(figures.routingRate()));
                one.put(
                        "calibrated_routing_rate",
                        figures.calibratedRoutingRate() == null ? null : round(figures.calibratedRoutingRate()));
                one.put("in_band", figures.inBand());
                classes.put(label, one);
            });
            fields.put("routing_per_class", classes);
            return fields;
        }
    }

    /** One predicted class's routing. */
    public record ClassFigures(
            long items, long escalated, double routingRate, Double calibratedRoutingRate, boolean inBand) {}

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += value;
        }
        return total;
    }

    private static double round(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }
}
