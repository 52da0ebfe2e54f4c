package dev.sieve.cli.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code sieve local --demo} measured. Every count comes from reading the results back, not from
 * what was sent.
 *
 * @param items test items sent through the HTTP API in real-time mode
 * @param gateFraction share of items the gate answered
 * @param expertFraction share of items the expert answered
 * @param f1GateOnly F1 (positive label) had the gate answered every item
 * @param f1ExpertOnly F1 had the expert answered every item (null when the bundle has no expert)
 * @param f1Blended F1 of the answers the system gave (items with a final result)
 * @param p50Ms median real-time request latency (client side, one request = one batch of items)
 * @param p99Ms 99th percentile real-time request latency
 * @param lost items without a final result after the wait
 * @param duplicates items with more than one result (row or line)
 * @param batchItems manifest lines sent as a batch-transform job
 * @param batchLost manifest lines without a result line in the output
 */
record DemoReport(
        int items,
        double gateFraction,
        double expertFraction,
        double f1GateOnly,
        Double f1ExpertOnly,
        double f1Blended,
        double p50Ms,
        double p99Ms,
        int lost,
        int duplicates,
        int batchItems,
        int batchLost,
        Map<String, Object> extra) {

    Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("items", items);
        json.put("gate_fraction", round(gateFraction));
        json.put("expert_fraction", round(expertFraction));
        json.put("f1_gate_only", round(f1GateOnly));
        json.put("f1_expert_only", f1ExpertOnly == null ? null : round(f1ExpertOnly));
        json.put("f1_blended", round(f1Blended));
        json.put("p50_ms", round(p50Ms));
        json.put("p99_ms", round(p99Ms));
        json.put("lost", lost);
        json.put("duplicates", duplicates);
        json.put("batch_items", batchItems);
        json.put("batch_lost", batchLost);
        json.putAll(extra);
        return json;
    }

    String readable() {
        StringBuilder out = new StringBuilder();
        out.append("\nSieve local demo\n");
        out.append(String.format("  real-time: %d test items in requests of up to 20, 4 clients%n", items));
        out.append(String.format(
                "    answered by the gate   %5.1f %%%n    answered by the expert %5.1f %%%n",
                100 * gateFraction, 100 * expertFraction));
        out.append(String.format("    latency per request    p50 %.0f ms, p99 %.0f ms%n", p50Ms, p99Ms));
        out.append(String.format(
                "    F1 (spam)              gate only %.4f, expert only %s, blended %.4f%n",
                f1GateOnly, f1ExpertOnly == null ? "n/a" : String.format("%.4f", f1ExpertOnly), f1Blended));
        out.append(
                String.format("    lost %d, duplicates %d (read back from the API and the table)%n", lost, duplicates));
        out.append(String.format(
                "  batch-transform: %d manifest lines, %d without a result line%n", batchItems, batchLost));
        extra.forEach((k, v) -> out.append(String.format("    %s: %s%n", k, v)));
        return out.toString();
    }

    private static double round(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }
}
