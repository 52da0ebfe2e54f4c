package dev.sieve.pricing;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code sieve cost} prints: tiered and expert-only cost per million items of one profile, their
 * ratio, the break-even routing rate and the numbers behind them.
 *
 * @param simulatedFleet where the tiered GPU hours come from when not from busy hours at a utilization
 *     ({@link CostModel#withSimulatedFleet}); null otherwise
 */
public record CostReport(
        WorkloadProfile profile,
        CostBreakdown tiered,
        CostBreakdown expertOnly,
        double breakEvenExpertRate,
        ThroughputTable.Throughput throughput,
        double gpuHourlyUsd,
        SimulatedFleet simulatedFleet,
        String priceTableVersion,
        LocalDate pricesAsOf) {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private static final MathContext SIG6 = new MathContext(6);

    /** Tiered cost divided by expert-only cost (below 1: the gate pays for itself). */
    public double ratio() {
        return tiered.totalPerMillion() / expertOnly.totalPerMillion();
    }

    /** Expert items per day of the profile: items per day x the routing rate. */
    double profileExpertItemsPerDay() {
        return profile.itemsPerDay() * profile.expertRate();
    }

    /**
     * Whether the simulated trace carried the profile's expert volume within a factor of
     * {@value #VOLUME_TOLERANCE}: its instance-hours per item only hold near the volume it was simulated at.
     */
    boolean simulatedVolumeMatches() {
        double ratio = simulatedFleet.expertItemsPerDay() / profileExpertItemsPerDay();
        return ratio >= 1 / VOLUME_TOLERANCE && ratio <= VOLUME_TOLERANCE;
    }

    static final double VOLUME_TOLERANCE = 1.25;

    /** One JSON object on one line (the {@code --json} output). Numbers have 6 significant digits. */
    public String toJsonLine() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("profile", profile.name());
        root.put("cost_per_million_usd", round(tiered.totalPerMillion()));
        root.put("expert_only_cost_per_million_usd", round(expertOnly.totalPerMillion()));
        root.put("ratio", round(ratio()));
        root.put("break_even_expert_rate", round(breakEvenExpertRate));
        root.put("expert_rate", profile.expertRate());
        root.put("items_per_day", round(profile.itemsPerDay()));
        root.put("cost_per_day_usd", round(tiered.totalPerDay()));
        root.put("expert_only_cost_per_day_usd", round(expertOnly.totalPerDay()));
        ObjectNode mix = root.putObject("mode_mix");
        for (WorkloadProfile.Mode m : WorkloadProfile.Mode.values()) {
            mix.put(m.jsonName(), profile.modeMix().share(m));
        }
        ObjectNode components = root.putObject("components");
        tiered.usdPerMillion().forEach((c, v) -> components.put(c.jsonName(), round(v)));
        ObjectNode expertComponents = root.putObject("expert_only_components");
        expertOnly.usdPerMillion().forEach((c, v) -> expertComponents.put(c.jsonName(), round(v)));
        ObjectNode usage = root.putObject("usage_per_million");
        tiered.usagePerMillion().forEach((k, v) -> usage.put(k, round(v)));
        ObjectNode gpu = root.putObject("gpu");
        gpu.put("instance_type", throughput.instanceType());
        gpu.put("batch_size", throughput.batchSize());
        gpu.put("tokens_per_item", round(throughput.tokensPerItem()));
        gpu.put("items_per_s", round(throughput.itemsPerSecond()));
        gpu.put("utilization", profile.gpuUtilization());
        gpu.put("spot_fraction", profile.spotFraction());
        gpu.put("hourly_usd", round(gpuHourlyUsd));
        gpu.put("throughput_is_estimate", throughput.estimate());
        gpu.put("throughput_source", throughput.source());
        if (simulatedFleet != null) {
            ObjectNode simulated = gpu.putObject("simulated_fleet");
            simulated.put(SimulatedFleet.TRACE, simulatedFleet.trace());
            simulated.put(SimulatedFleet.GPU_HOURS, round(simulatedFleet.gpuHours()));
            simulated.put(SimulatedFleet.TRACE_ITEMS, round(simulatedFleet.expertItems()));
            simulated.put(
                    "instance_hours_per_million_expert_items",
                    round(simulatedFleet.instanceHoursPerMillionExpertItems()));
            simulated.put("trace_expert_items_per_day", round(simulatedFleet.expertItemsPerDay()));
            simulated.put("profile_expert_items_per_day", round(profileExpertItemsPerDay()));
            simulated.put("volume_matches_profile", simulatedVolumeMatches());
        }
        root.put("prices_version", priceTableVersion);
        root.put("prices_as_of", pricesAsOf.toString());
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static BigDecimal round(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return BigDecimal.ZERO;
        }
        return new BigDecimal(v).round(SIG6).stripTrailingZeros();
    }

    /** A table for people: one line per component, tiered vs expert-only, then the key assumptions. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        WorkloadProfile p = profile;
        out.append(String.format(
                Locale.ROOT,
                "Sieve cost estimate: %s%n  %s items/day, mode mix realtime %.0f%% / async %.0f%% / batch %.0f%%,"
                        + " expert rate %.2f%%%n%n",
                p.name(),
                human(p.itemsPerDay()),
                100 * p.modeMix().realtime(),
                100 * p.modeMix().async(),
                100 * p.modeMix().batch(),
                100 * p.expertRate()));
        out.append(String.format(
                Locale.ROOT, "  %-20s %14s %14s  %s%n", "component", "tiered $/1M", "expert-only", "what"));
        for (Map.Entry<Component, Double> e : tiered.usdPerMillion().entrySet()) {
            Component c = e.getKey();
            out.append(String.format(
                    Locale.ROOT,
                    "  %-20s %14.6f %14.6f  %s%n",
                    c.jsonName(),
                    e.getValue(),
                    expertOnly.perMillion(c),
                    c.description()));
        }
        out.append(String.format(
                Locale.ROOT,
                "  %-20s %14.6f %14.6f%n",
                "TOTAL $/1M items",
                tiered.totalPerMillion(),
                expertOnly.totalPerMillion()));
        out.append(String.format(
                Locale.ROOT,
                "  %-20s %14.2f %14.2f%n%n",
                "TOTAL $/day",
                tiered.totalPerDay(),
                expertOnly.totalPerDay()));
        out.append(String.format(
                Locale.ROOT,
                "  tiered / expert-only = %.4f; break-even expert rate = %.4f (tiering saves money below it)%n",
                ratio(),
                breakEvenExpertRate));
        out.append(String.format(
                Locale.ROOT,
                "  GPU: %s at batch %d, %.0f tokens/item -> %.0f items/s x utilization %.2f; $%.4f/instance-hour"
                        + " (spot share %.0f%%)%n",
                throughput.instanceType(),
                throughput.batchSize(),
                throughput.tokensPerItem(),
                throughput.itemsPerSecond(),
                p.gpuUtilization(),
                gpuHourlyUsd,
                100 * p.spotFraction()));
        out.append("  throughput source: ").append(throughput.source()).append(System.lineSeparator());
        if (simulatedFleet != null) {
            out.append(String.format(
                    Locale.ROOT,
                    "  tiered GPU hours: simulated fleet (%s): %.2f instance-hours for %s expert items ="
                            + " %.4f per million, boot and scale-in included (expert-only: busy hours at the"
                            + " utilization)%n",
                    simulatedFleet.trace(),
                    simulatedFleet.gpuHours(),
                    human(simulatedFleet.expertItems()),
                    simulatedFleet.instanceHoursPerMillionExpertItems()));
            if (!simulatedVolumeMatches()) {
                out.append(String.format(
                        Locale.ROOT,
                        "  WARNING: the trace carried %s expert items/day, the profile sends %s: instance-hours"
                                + " per item depend on volume; simulate a trace at the profile's rate%n",
                        human(simulatedFleet.expertItemsPerDay()),
                        human(profileExpertItemsPerDay())));
            }
        }
        out.append("  prices: us-east-1 list prices, table ")
                .append(priceTableVersion)
                .append(" (as of ")
                .append(pricesAsOf)
                .append("); free tiers ignored; spot prices are estimates")
                .append(System.lineSeparator());
        return out.toString();
    }

    static String human(double v) {
        if (v >= 1e9) {
            return trim(v / 1e9) + " billion";
        }
        if (v >= 1e6) {
            return trim(v / 1e6) + " million";
        }
        return trim(v);
    }

    private static String trim(double v) {
        return BigDecimal.valueOf(v).round(SIG6).stripTrailingZeros().toPlainString();
    }
}
