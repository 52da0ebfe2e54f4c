package dev.sieve.cli.load;

import dev.sieve.gate.service.RoutingMonitor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sanity checks of the billion-classifications study, each a pure function of what a run recorded, so
 * a test can feed it a broken run and see it fail. A failed check fails {@code sieve load}.
 */
public final class SanityChecks {
    /** How far a run's accuracy may be from {@code sieve eval}'s, in points (0.5 point = 0.005). */
    public static final double ACCURACY_TOLERANCE = 0.005;
    /** Throughput may dip this much between two loads below saturation and still count as monotonic. */
    public static final double MONOTONIC_TOLERANCE = 0.02;

    private SanityChecks() {}

    /** One check's verdict and what it saw. */
    public record Check(String name, boolean passed, String detail) {
        public String line() {
            return String.format(Locale.ROOT, "  [%s] %-22s %s", passed ? "pass" : "FAIL", name, detail);
        }
    }

    /** No timeouts, no 4xx/5xx, no dropped connections, no request left pending. */
    public static Check noFailedRequests(List<LoadRecorder.Outcome> outcomes) {
        long failed = outcomes.stream().filter(o -> o.error() != null).count();
        String first = outcomes.stream()
                .filter(o -> o.error() != null)
                .map(LoadRecorder.Outcome::error)
                .findFirst()
                .orElse("");
        return new Check(
                "failed_requests",
                failed == 0,
                failed + " of " + outcomes.size() + " requests failed"
                        + (failed == 0 ? "" : " (first: " + first + ")"));
    }

    /** Every item sent has exactly one final answer, and nothing is answered that was not sent. */
    public static Check answeredExactlyOnce(List<LoadRecorder.Outcome> outcomes) {
        Map<String, Integer> answers = new HashMap<>();
        long sent = 0;
        for (LoadRecorder.Outcome outcome : outcomes) {
            sent += outcome.sentIds().size();
            for (LoadRecorder.Answer answer : outcome.answers()) {
                answers.merge(answer.id(), 1, Integer::sum);
            }
        }
        long missing = 0;
        long duplicated = 0;
        for (LoadRecorder.Outcome outcome : outcomes) {
            for (String id : outcome.sentIds()) {
                int count = answers.getOrDefault(id, 0);
                if (count == 0) {
                    missing++;
                } else if (count > 1) {
                    duplicated++;
                }
            }
        }
        java.util.Set<String> sentIds = new java.util.HashSet<>();
        outcomes.forEach(o -> sentIds.addAll(o.sentIds()));
        long unknown =
                answers.keySet().stream().filter(id -> !sentIds.contains(id)).count();
        boolean ok = missing == 0 && duplicated == 0 && unknown == 0;
        return new Check(
                "answered_exactly_once",
                ok,
                String.format(
                        Locale.ROOT,
                        "%d items sent: %d unanswered, %d answered more than once, %d answers for ids never sent",
                        sent,
                        missing,
                        duplicated,
                        unknown));
    }

    /** Every response body matches the served OpenAPI document. */
    public static Check responsesMatchOpenApi(long responses, long invalid, String firstInvalid) {
        return new Check(
                "openapi_valid",
                invalid == 0 && responses > 0,
                invalid + " of " + responses + " responses break /v1/openapi.json"
                        + (firstInvalid == null ? "" : " (first: " + firstInvalid + ")"));
    }

    /** The run's accuracy is within {@link #ACCURACY_TOLERANCE} of {@code sieve eval}'s on the same split. */
    public static Check accuracyMatchesEval(double accuracy, long items, Double evalAccuracy) {
        if (evalAccuracy == null) {
            return new Check("accuracy_vs_eval", true, "no eval figure (skipped): accuracy " + round(accuracy));
        }
        boolean ok = items > 0 && Math.abs(accuracy - evalAccuracy) <= ACCURACY_TOLERANCE;
        return new Check(
                "accuracy_vs_eval",
                ok,
                String.format(
                        Locale.ROOT,
                        "accuracy %.4f on %d distinct items, sieve eval %.4f (allowed difference %.4f)",
                        accuracy,
                        items,
                        evalAccuracy,
                        ACCURACY_TOLERANCE));
    }

    /**
     * Throughput does not fall as load rises, up to the load of the best throughput (the saturation point);
     * {@code levels} and {@code throughputs} are per step, in any order.
     */
    public static Check throughputMonotonic(List<Integer> levels, List<Double> throughputs) {
        List<int[]> order = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            order.add(new int[] {levels.get(i), i});
        }
        order.sort((a, b) -> Integer.compare(a[0], b[0]));
        int best = 0;
        for (int k = 0; k < order.size(); k++) {
            if (throughputs.get(order.get(k)[1]) > throughputs.get(order.get(best)[1])) {
                best = k;
            }
        }
        List<String> dips = new ArrayList<>();
        for (int k = 1; k <= best; k++) {
            double previous = throughputs.get(order.get(k - 1)[1]);
            double current = throughputs.get(order.get(k)[1]);
            if (current < previous * (1 - MONOTONIC_TOLERANCE)) {
                dips.add(String.format(
                        Locale.ROOT,
                        "%d -> %d: %.1f -> %.1f items/s",
                        order.get(k - 1)[0],
                        order.get(k)[0],
                        previous,
                        current));
            }
        }
        return new Check(
                "throughput_monotonic",
                dips.isEmpty(),
                dips.isEmpty()
                        ? "no dip before saturation at level "
                                + (order.isEmpty() ? "-" : Integer.toString(order.get(best)[0]))
                        : "throughput fell before saturation: " + String.join("; ", dips));
    }

    /** The share of items the expert answered is in the calibrated band (the gate's drift-alarm rule). */
    public static Check routingInBand(double routingRate, long items, Double calibratedRate) {
        if (calibratedRate == null) {
            return new Check("routing_in_band", true, "no calibrated rate in the bundle (skipped)");
        }
        boolean ok = items > 0 && RoutingMonitor.inBand(routingRate, calibratedRate);
        return new Check(
                "routing_in_band",
                ok,
                String.format(
                        Locale.ROOT,
                        "%.4f of %d items went to the expert; calibrated %.4f",
                        routingRate,
                        items,
                        calibratedRate));
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
