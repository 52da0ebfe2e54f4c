package dev.sieve.cli.load;

import dev.sieve.pricing.CostBreakdown;
import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.WorkloadProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one load step (one Gatling run at one load level).
 *
 * @param usagePerMillion counted resource use per million answered items (cost-model usage keys)
 * @param gateMsPerItem the gate handlers' wall time per answered item (what Lambda bills)
 * @param gateCpuMsPerItem their threads' CPU time per answered item (without other processes' share of a
 *     shared machine)
 * @param outputBytesPerItem batch mode: bytes of job output per answered item (the stored result), else 0
 * @param manifestBytesPerItem batch mode: bytes of manifest per item sent (one JSON line), else 0
 * @param costPerMillionUsd those counts priced by the pricing module (GPU hours projected from expert items)
 */
public record StepResult(
        int step,
        Workload workload,
        int level,
        long requests,
        long items,
        long answered,
        long failed,
        double seconds,
        double itemsPerSecond,
        double p50Ms,
        double p95Ms,
        double p99Ms,
        double meanMs,
        double routingRate,
        double accuracy,
        Map<String, Double> usagePerMillion,
        double gateMsPerItem,
        double gateCpuMsPerItem,
        double costPerMillionUsd,
        Map<String, Double> costComponentsPerMillion,
        List<SanityChecks.Check> checks,
        double outputBytesPerItem,
        double manifestBytesPerItem) {

    /** Figures, checks and cost of one step from what it measured. */
    static StepResult of(
            int step,
            Workload workload,
            int level,
            StepRunner.Measured m,
            WorkloadProfile baseProfile,
            CostModel costModel,
            Double calibratedRoutingRate) {
        long requests = m.outcomes().size();
        long items = 0;
        long failed = 0;
        List<Double> latencies = new ArrayList<>();
        Map<String, LoadRecorder.Answer> answers = new HashMap<>();
        for (LoadRecorder.Outcome outcome : m.outcomes()) {
            items += outcome.sentIds().size();
            if (outcome.error() != null) {
                failed++;
            } else {
                latencies.add(outcome.latencyMs());
            }
            outcome.answers().forEach(a -> answers.putIfAbsent(a.id(), a));
        }
        Collections.sort(latencies);
        long answered = answers.size();
        // Routed = escalated by the gate, whoever answered it then (expert, response cache, or the gate's
        // label after the deadline).
        long expert = answers.values().stream()
                .filter(a -> a.tier() != null && !"gate".equals(a.tier()))
                .count();
        long correct = answers.values().stream()
                .filter(a -> a.label() != null && a.label().equals(m.labels().get(LoadRecorder.itemId(a.id()))))
                .count();
        double routing = answered == 0 ? 0 : (double) expert / answered;
        double accuracy = answered == 0 ? 0 : (double) correct / answered;
        WorkloadProfile profile = baseProfile.toBuilder()
                .modeMix(WorkloadProfile.ModeMix.of(
                        WorkloadProfile.Mode.valueOf(workload.mode().name())))
                .itemsPerRequest(workload.itemsPerRequest())
                .expertRate(routing)
                .build();
        Map<String, Double> usagePerMillion = new LinkedHashMap<>();
        double gateMsPerItem = answered == 0 ? 0 : m.gateMillis() / answered;
        double gateCpuMsPerItem = answered == 0 ? 0 : m.gateCpuMillis() / answered;
        CostBreakdown cost;
        if (answered > 0 && m.gateInvocations() > 0) {
            double scale = 1e6 / answered;
            m.usage().forEach((k, v) -> usagePerMillion.put(k, v * scale));
            usagePerMillion.put(CostModel.APIGW_REQUESTS, m.responses() * scale);
            usagePerMillion.put(CostModel.LAMBDA_INVOCATIONS, m.gateInvocations() * scale);
            usagePerMillion.put(
                    CostModel.LAMBDA_GB_SECONDS, m.gateMillis() / 1000 * profile.gateMemoryMb() / 1024.0 * scale);
            cost = costModel.priceUsage(profile, usagePerMillion);
        } else {
            cost = costModel.tiered(profile); // nothing counted (a deployed API): the model's projection
        }
        Map<String, Double> components = new LinkedHashMap<>();
        cost.usdPerMillion().forEach((c, v) -> components.put(c.jsonName(), v));
        List<SanityChecks.Check> checks = List.of(
                SanityChecks.noFailedRequests(m.outcomes()),
                SanityChecks.answeredExactlyOnce(m.outcomes()),
                SanityChecks.responsesMatchOpenApi(m.responses(), m.invalidResponses(), m.firstInvalid()),
                SanityChecks.routingInBand(routing, answered, calibratedRoutingRate));
        double mean =
                latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new StepResult(
                step,
                workload,
                level,
                requests,
                items,
                answered,
                failed,
                m.seconds(),
                m.seconds() == 0 ? 0 : answered / m.seconds(),
                percentile(latencies, 0.50),
                percentile(latencies, 0.95),
                percentile(latencies, 0.99),
                mean,
                routing,
                accuracy,
                usagePerMillion,
                gateMsPerItem,
                gateCpuMsPerItem,
                cost.totalPerMillion(),
                components,
                checks,
                answered == 0 ? 0 : (double) m.outputBytes() / answered,
                items == 0 ? 0 : (double) m.manifestBytes() / items);
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    public boolean sane() {
        return checks.stream().allMatch(SanityChecks.Check::passed);
    }

    /** The {@code --json} line of this step. */
    public Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("mode", workload.mode().jsonName());
        json.put("model", workload.model().jsonName());
        json.put("items_per_request", workload.itemsPerRequest());
        json.put(workload.model().levelName(), level);
        json.put("requests", requests);
        json.put("items", items);
        json.put("answered", answered);
        json.put("failed", failed);
        json.put("seconds", round(seconds, 2));
        json.put("items_per_s", round(itemsPerSecond, 1));
        json.put("p50_ms", round(p50Ms, 1));
        json.put("p95_ms", round(p95Ms, 1));
        json.put("p99_ms", round(p99Ms, 1));
        json.put("mean_ms", round(meanMs, 1));
        json.put("routing_rate", round(routingRate, 4));
        json.put("accuracy", round(accuracy, 4));
        json.put("gate_ms_per_item", round(gateMsPerItem, 4));
        json.put("gate_cpu_ms_per_item", round(gateCpuMsPerItem, 4));
        if (outputBytesPerItem > 0) {
            json.put("output_bytes_per_item", round(outputBytesPerItem, 1));
            json.put("manifest_bytes_per_item", round(manifestBytesPerItem, 1));
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        usagePerMillion.forEach((k, v) -> usage.put(k, round(v, 3)));
        json.put("usage_per_million", usage);
        json.put("cost_per_million_usd", round(costPerMillionUsd, 6));
        json.put("cost_per_billion_usd", round(costPerMillionUsd * 1000, 3));
        Map<String, Object> checksJson = new LinkedHashMap<>();
        checks.forEach(c -> checksJson.put(c.name(), c.passed()));
        json.put("checks", checksJson);
        json.put("sanity_ok", sane());
        return json;
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
