package dev.sieve.cli.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sieve.pricing.InvalidPricingInputException;
import dev.sieve.pricing.UnitPrices;
import dev.sieve.shared.metrics.MetricNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage per tenant read from an export of Sieve's EMF records (JSON Lines: the records themselves, as in
 * the Lambda and worker log streams, or CloudWatch Logs events whose {@code message} holds one, as {@code
 * aws logs filter-log-events --output json | jq -c '.events[]'} writes them), priced with the unit prices
 * of {@code sieve cost unit-prices}.
 *
 * <p>Read: the gate's per-request records ({@code Items} with property {@code tenant}) and job completions
 * ({@code JobItems}), the worker's {@code usage=tenant} records ({@code ExpertItems}, {@code
 * ExpertBusySeconds}). Dollars = items x {@code usd_per_gate_item} + expert items x {@code
 * usd_per_escalated_item} + expert busy seconds x {@code usd_per_gpu_instance_second}. Idle GPU time is
 * nobody's: it is not apportioned.
 */
final class TenantUsage {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One tenant's totals. */
    static final class Totals {
        double items;
        double expertItems;
        double expertSeconds;

        double usd(UnitPrices prices) {
            return items * prices.usdPerGateItem()
                    + expertItems * prices.usdPerEscalatedItem()
                    + expertSeconds * prices.usdPerGpuInstanceSecond();
        }
    }

    private final Map<String, Totals> byTenant = new TreeMap<>();
    private long records;

    static TenantUsage read(Path export) {
        TenantUsage usage = new TenantUsage();
        try (BufferedReader in = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    usage.add(line, number);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the usage export " + export, e);
        }
        return usage;
    }

    void add(String line, long number) {
        JsonNode record;
        try {
            record = MAPPER.readTree(line);
            if (record != null && record.path("message").isTextual()) {
                String message = record.path("message").asText();
                record = message.startsWith("{") ? MAPPER.readTree(message) : null;
            }
        } catch (IOException e) {
            throw new InvalidPricingInputException("--usage line " + number + " is not JSON");
        }
        if (record == null || !record.path(MetricNames.TENANT).isTextual() || !record.has("_aws")) {
            return; // not a per-tenant EMF record (other logs and metrics are fine in an export)
        }
        Totals totals = byTenant.computeIfAbsent(record.path(MetricNames.TENANT).asText(), t -> new Totals());
        String service = record.path(MetricNames.SERVICE).asText();
        if (service.equals(MetricNames.GATE_SERVICE)) {
            totals.items +=
                    record.path("Items").asDouble(0) + record.path("JobItems").asDouble(0);
        } else if (service.equals(MetricNames.WORKER_SERVICE)
                && MetricNames.TENANT_USAGE.equals(record.path("usage").asText())) {
            totals.expertItems += record.path(MetricNames.EXPERT_ITEMS).asDouble(0);
            totals.expertSeconds += record.path(MetricNames.EXPERT_BUSY_SECONDS).asDouble(0);
        }
        records++;
    }

    Map<String, Totals> byTenant() {
        return byTenant;
    }

    /** One JSON line: per tenant items, expert items, expert seconds and dollars, and the total. */
    String toJsonLine(UnitPrices prices) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("prices_version", prices.pricesVersion());
        root.put("records", records);
        ArrayNode tenants = root.putArray("tenants");
        double total = 0;
        for (Map.Entry<String, Totals> e : byTenant.entrySet()) {
            Totals t = e.getValue();
            double usd = t.usd(prices);
            total += usd;
            tenants.addObject()
                    .put("tenant", e.getKey())
                    .put("items", t.items)
                    .put("expert_items", t.expertItems)
                    .put("expert_seconds", t.expertSeconds)
                    .put("usd", usd);
        }
        root.put("usd_total", total);
        return root.toString();
    }

    String toText(UnitPrices prices) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT, "%-24s %14s %14s %14s %14s%n", "tenant", "items", "expert items", "expert s", "usd"));
        double total = 0;
        for (Map.Entry<String, Totals> e : byTenant.entrySet()) {
            Totals t = e.getValue();
            total += t.usd(prices);
            out.append(String.format(
                    Locale.ROOT,
                    "%-24s %14.0f %14.0f %14.1f %14.6f%n",
                    e.getKey(),
                    t.items,
                    t.expertItems,
                    t.expertSeconds,
                    t.usd(prices)));
        }
        out.append(String.format(Locale.ROOT, "%-24s %59.6f%n", "total", total));
        out.append("(prices ")
                .append(prices.pricesVersion())
                .append("; GPU time charged by busy seconds at the instance price, idle time not apportioned)\n");
        return out.toString();
    }
}
