package dev.sieve.pricing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-unit dollar constants for the live cost figure on the dashboard.
 *
 * <p>The gate emits, per period, the items it scored and the items it escalated (EMF counts); the GPU
 * workers' capacity shows as running instance-seconds (ECS/ASG metrics, or a worker uptime count). The
 * dashboard's metric math then computes
 *
 * <pre>
 * cost per million items = 1e6 * (GateItems * usd_per_gate_item
 *                                 + EscalatedItems * usd_per_escalated_item
 *                                 + GpuInstanceSeconds * usd_per_gpu_instance_second) / GateItems
 * </pre>
 *
 * <p>The GPU term uses instance-seconds actually running, so idle capacity shows up in the live figure
 * (unlike the busy-time model of {@link CostModel}). Constants come from the same price table and profile
 * as {@code sieve cost}, so the dashboard and the estimate agree when the workload matches the profile.
 *
 * @param usdPerGateItem entry-path cost of one item whatever its route (API Gateway, Lambda, S3, DynamoDB,
 *     logs, at routing rate 0)
 * @param usdPerEscalatedItem extra entry-path cost of one escalated item (queue, result writes), GPU excluded
 * @param usdPerGpuInstanceSecond one running GPU instance for one second (on-demand/spot mix, EBS)
 * @param usdPerExpertItem GPU cost of one expert item at the profile's throughput and utilization
 */
public record UnitPrices(
        String instanceType,
        double usdPerGateItem,
        double usdPerEscalatedItem,
        double usdPerGpuInstanceSecond,
        double usdPerExpertItem,
        String pricesVersion) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Unit prices for a profile (its modes, sizes, instance type and spot share). */
    public static UnitPrices forProfile(CostModel model, WorkloadProfile profile) {
        CostBreakdown none = model.evaluate(profile, 0, profile.gateMsPerItem());
        CostBreakdown all = model.evaluate(profile, 1, profile.gateMsPerItem());
        double entryNone = entryPath(none);
        double entryAll = entryPath(all);
        double hourly = model.gpuHourlyUsd(profile);
        return new UnitPrices(
                profile.expertInstanceType(),
                entryNone / 1e6,
                (entryAll - entryNone) / 1e6,
                hourly / 3600,
                all.perMillion(Component.GPU_INSTANCES) / 1e6,
                model.prices().version());
    }

    private static double entryPath(CostBreakdown b) {
        return b.totalPerMillion() - b.perMillion(Component.GPU_INSTANCES) - b.perMillion(Component.IDLE);
    }

    /** Constants by name, as infra's dashboard metric math reads them. */
    public Map<String, Double> constants() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("usd_per_gate_item", usdPerGateItem);
        m.put("usd_per_escalated_item", usdPerEscalatedItem);
        m.put("usd_per_gpu_instance_second", usdPerGpuInstanceSecond);
        m.put("usd_per_expert_item", usdPerExpertItem);
        return m;
    }

    /** One JSON line: the constants plus the instance type and price table version. */
    public String toJsonLine() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("instance_type", instanceType);
        constants().forEach(root::put);
        root.put("prices_version", pricesVersion);
        root.put(
                "metric_math",
                "1e6 * (GateItems * usd_per_gate_item + EscalatedItems * usd_per_escalated_item"
                        + " + GpuInstanceSeconds * usd_per_gpu_instance_second) / GateItems");
        return root.toString();
    }
}
