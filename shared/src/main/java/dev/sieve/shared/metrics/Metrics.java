package dev.sieve.shared.metrics;

import java.util.Map;

/**
 * A small metrics port. Production writes CloudWatch Embedded Metric Format lines to stdout
 * ({@link EmfMetrics}); tests read those lines back. Dimensions must be low-cardinality (mode,
 * tier, queue, never ids).
 */
public interface Metrics {

    /** Records one or more values under the given dimensions, flushed as one EMF record. */
    void record(Map<String, String> dimensions, Map<String, Metric> values);

    /**
     * Records values with properties: fields of the record that are not dimensions (searchable in Logs
     * Insights, free of CloudWatch's per-dimension cost), for high-cardinality values such as the tenant.
     * Implementations that cannot carry properties drop them.
     */
    default void record(Map<String, String> dimensions, Map<String, Metric> values, Map<String, String> properties) {
        record(dimensions, values);
    }

    /** A value and its CloudWatch unit. */
    record Metric(double value, Unit unit) {
        public static Metric count(double value) {
            return new Metric(value, Unit.COUNT);
        }

        public static Metric millis(double value) {
            return new Metric(value, Unit.MILLISECONDS);
        }

        public static Metric micros(double value) {
            return new Metric(value, Unit.MICROSECONDS);
        }

        public static Metric percent(double value) {
            return new Metric(value, Unit.PERCENT);
        }

        public static Metric perSecond(double value) {
            return new Metric(value, Unit.COUNT_PER_SECOND);
        }

        public static Metric seconds(double value) {
            return new Metric(value, Unit.SECONDS);
        }
    }

    /** CloudWatch units Sieve uses. */
    enum Unit {
        COUNT("Count"),
        MILLISECONDS("Milliseconds"),
        MICROSECONDS("Microseconds"),
        SECONDS("Seconds"),
        PERCENT("Percent"),
        COUNT_PER_SECOND("Count/Second"),
        NONE("None");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    /** Discards everything (benchmarks that must not print). */
    static Metrics noop() {
        return (dimensions, values) -> {};
    }
}
