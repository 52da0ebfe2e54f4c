package dev.sieve.cli.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run over all steps: its best step (highest throughput with no failed request), the run-level checks
 * (accuracy against {@code sieve eval}, throughput monotonic in load per workload) and the summary line.
 */
record Summary(
        List<StepResult> steps,
        StepResult best,
        double accuracy,
        double routingRate,
        long answered,
        List<SanityChecks.Check> runChecks) {

    static Summary of(List<StepResult> steps, Double evalAccuracy, List<LabeledItem> items) {
        long answered = steps.stream().mapToLong(StepResult::answered).sum();
        double accuracy = answered == 0
                ? 0
                : steps.stream().mapToDouble(s -> s.accuracy() * s.answered()).sum() / answered;
        double routing = answered == 0
                ? 0
                : steps.stream()
                                .mapToDouble(s -> s.routingRate() * s.answered())
                                .sum()
                        / answered;
        StepResult best = steps.stream()
                .filter(s -> s.failed() == 0)
                .max(Comparator.comparingDouble(StepResult::itemsPerSecond))
                .orElse(steps.isEmpty() ? null : steps.get(0));
        List<SanityChecks.Check> checks = new ArrayList<>();
        checks.add(SanityChecks.accuracyMatchesEval(accuracy, answered, evalAccuracy));
        Map<String, List<StepResult>> byWorkload = new LinkedHashMap<>();
        steps.forEach(s -> byWorkload
                .computeIfAbsent(s.workload().label(), k -> new ArrayList<>())
                .add(s));
        byWorkload.forEach((label, series) -> {
            SanityChecks.Check check = SanityChecks.throughputMonotonic(
                    series.stream().map(StepResult::level).toList(),
                    series.stream().map(StepResult::itemsPerSecond).toList());
            checks.add(new SanityChecks.Check(check.name(), check.passed(), label + ": " + check.detail()));
        });
        return new Summary(steps, best, accuracy, routing, answered, List.copyOf(checks));
    }

    boolean sane() {
        return !steps.isEmpty()
                && steps.stream().allMatch(StepResult::sane)
                && runChecks.stream().allMatch(SanityChecks.Check::passed);
    }

    long failed() {
        return steps.stream().mapToLong(StepResult::failed).sum();
    }

    Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("summary", true);
        json.put("steps", steps.size());
        json.put("best_items_per_s", best == null ? 0 : StepResult.round(best.itemsPerSecond(), 1));
        json.put("best_workload", best == null ? null : best.workload().label());
        json.put("best_level", best == null ? null : best.level());
        json.put("p50_ms", best == null ? 0 : StepResult.round(best.p50Ms(), 1));
        json.put("p95_ms", best == null ? 0 : StepResult.round(best.p95Ms(), 1));
        json.put("p99_ms", best == null ? 0 : StepResult.round(best.p99Ms(), 1));
        json.put("failed", failed());
        json.put("answered", answered);
        json.put("accuracy", StepResult.round(accuracy, 4));
        json.put("routing_rate", StepResult.round(routingRate, 4));
        json.put("cost_per_million_usd", best == null ? null : StepResult.round(best.costPerMillionUsd(), 6));
        json.put("cost_per_billion_usd", best == null ? null : StepResult.round(best.costPerMillionUsd() * 1000, 3));
        json.put("usage_per_million", best == null ? Map.of() : best.usagePerMillion());
        json.put("gate_ms_per_item", best == null ? null : StepResult.round(best.gateMsPerItem(), 4));
        json.put("gate_cpu_ms_per_item", best == null ? null : StepResult.round(best.gateCpuMsPerItem(), 4));
        if (best != null && best.outputBytesPerItem() > 0) {
            json.put("output_bytes_per_item", StepResult.round(best.outputBytesPerItem(), 1));
            json.put("manifest_bytes_per_item", StepResult.round(best.manifestBytesPerItem(), 1));
        }
        json.put("mode", best == null ? null : best.workload().mode().jsonName());
        json.put("items_per_request", best == null ? null : best.workload().itemsPerRequest());
        Map<String, Object> checks = new LinkedHashMap<>();
        runChecks.forEach(c -> checks.put(c.name(), c.passed()));
        json.put("run_checks", checks);
        json.put("sanity_ok", sane());
        return json;
    }

    String readable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%-4s %-22s %6s %10s %8s %8s %8s %7s %8s %12s %s%n",
                "step",
                "workload",
                "level",
                "items/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "failed",
                "routed",
                "$/million",
                "sane"));
        for (StepResult s : steps) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-4d %-22s %6d %10.1f %8.0f %8.0f %8.0f %7d %8.3f %12.6f %s%n",
                    s.step(),
                    s.workload().label(),
                    s.level(),
                    s.itemsPerSecond(),
                    s.p50Ms(),
                    s.p95Ms(),
                    s.p99Ms(),
                    s.failed(),
                    s.routingRate(),
                    s.costPerMillionUsd(),
                    s.sane() ? "yes" : "NO"));
        }
        runChecks.forEach(c -> out.append(c.line()).append('\n'));
        out.append(sane() ? "sanity: every check passed" : "sanity: FAILED (see the checks above)");
        return out.toString();
    }
}
