package dev.sieve.pricing;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cost of one million items of a workload, split by {@link Component}, with the usage behind it
 * (requests, GB-seconds, instance-hours per million items) so every dollar can be traced to a count.
 *
 * @param usdPerMillion dollars per million items, by component (every component present, zero if unused)
 * @param usagePerMillion billable units per million items (keys like {@code sqs_requests}, {@code
 *     gpu_busy_instance_hours})
 * @param itemsPerDay the daily volume the tiered prices and the idle cost were computed for
 */
public record CostBreakdown(
        Map<Component, Double> usdPerMillion, Map<String, Double> usagePerMillion, double itemsPerDay) {

    public CostBreakdown {
        EnumMap<Component, Double> all = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            all.put(c, usdPerMillion.getOrDefault(c, 0.0));
        }
        usdPerMillion = Collections.unmodifiableMap(all);
        usagePerMillion = Collections.unmodifiableMap(new LinkedHashMap<>(usagePerMillion));
    }

    /** Dollars per million items, all components. */
    public double totalPerMillion() {
        return usdPerMillion.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Dollars per day at {@link #itemsPerDay()}. */
    public double totalPerDay() {
        return totalPerMillion() * itemsPerDay / 1e6;
    }

    /** Dollars per million items of one component. */
    public double perMillion(Component component) {
        return usdPerMillion.get(component);
    }

    /** Usage per million items of one unit key, 0 when unused. */
    public double usage(String key) {
        return usagePerMillion.getOrDefault(key, 0.0);
    }
}
