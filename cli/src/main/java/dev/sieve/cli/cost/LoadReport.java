package dev.sieve.cli.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.InvalidPricingInputException;
import dev.sieve.pricing.ThroughputTable;
import dev.sieve.pricing.WorkloadProfile;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code sieve cost --load-report} takes from a {@code sieve load} run: the summary line (the last line
 * of {@code steps.jsonl}, or the {@code --json} output saved to a file). Its best step's mode, items per
 * request, routing rate and gate time per item replace the profile's; the resource use it counted per
 * million items is priced as measured; its expert throughput (expert items over expert busy seconds, in local
 * mode) can stand for the profile's GPU.
 *
 * @param usagePerMillion counted usage per million answered items (the cost model's keys), empty for a run
 *     against a deployed API (nothing counted there)
 * @param expertItemsPerSecond the worker's measured expert throughput, or null when nothing was counted
 */
record LoadReport(
        Path file,
        WorkloadProfile.Mode mode,
        int itemsPerRequest,
        double routingRate,
        Double gateMsPerItem,
        double bestItemsPerSecond,
        Map<String, Double> usagePerMillion,
        Double expertItemsPerSecond) {

    /** The usage key {@code sieve load} counts the worker's expert busy seconds under. */
    static final String EXPERT_BUSY_SECONDS = "expert_busy_seconds";

    static LoadReport read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the load report " + file, e);
        }
        JsonNode summary = null;
        for (String line : lines) {
            if (line.isBlank() || !line.strip().startsWith("{")) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.read(line, JsonNode.class);
            } catch (RuntimeException e) {
                continue; // a line that is not the report's JSON (e.g. captured console output)
            }
            if (node.path("summary").asBoolean(false)) {
                summary = node;
            }
        }
        if (summary == null) {
            throw new InvalidPricingInputException("--load-report " + file + " has no summary line (the last line of"
                    + " sieve load's steps.jsonl, or its --json output)");
        }
        if (!summary.path("best_items_per_s").isNumber() || summary.path("mode").isNull()) {
            throw new InvalidPricingInputException(
                    "--load-report " + file + ": the run has no best step (no step without failed requests)");
        }
        Map<String, Double> usage = new LinkedHashMap<>();
        summary.path("usage_per_million").fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                usage.put(e.getKey(), e.getValue().asDouble());
            }
        });
        double busy = usage.getOrDefault(EXPERT_BUSY_SECONDS, 0.0);
        double expertItems = usage.getOrDefault(CostModel.EXPERT_ITEMS, 0.0);
        return new LoadReport(
                file,
                WorkloadProfile.Mode.fromJson(
                        "mode", summary.path("mode").asText().toLowerCase(Locale.ROOT)),
                summary.path("items_per_request").asInt(1),
                summary.path("routing_rate").asDouble(),
                summary.path("gate_ms_per_item").isNumber()
                        ? summary.path("gate_ms_per_item").asDouble()
                        : null,
                summary.path("best_items_per_s").asDouble(),
                usage,
                busy > 0 && expertItems > 0 ? expertItems / busy : null);
    }

    /** Whether the run counted its resource use (local mode). */
    boolean counted() {
        return usagePerMillion.getOrDefault(CostModel.LAMBDA_INVOCATIONS, 0.0) > 0;
    }

    /** {@code base} with the run's mode, items per request, routing rate and gate time per item. */
    WorkloadProfile apply(WorkloadProfile base) {
        WorkloadProfile.Builder b = base.toBuilder()
                .modeMix(WorkloadProfile.ModeMix.of(mode))
                .itemsPerRequest(itemsPerRequest)
                .expertRate(routingRate);
        if (gateMsPerItem != null && counted()) {
            b.gateMsPerItem(gateMsPerItem);
        }
        return b.build();
    }

    /** The measured expert throughput as a one-point table for the profile's instance type and tokens. */
    ThroughputTable measuredThroughput(WorkloadProfile profile) {
        if (expertItemsPerSecond == null) {
            throw new InvalidPricingInputException("--report-throughput: " + file + " counted no expert busy time"
                    + " (a run against --url counts nothing, or no item reached the expert)");
        }
        double tokens = Math.min(profile.avgTokensPerItem(), profile.expertMaxTokens());
        return ThroughputTable.of(
                List.of(new ThroughputTable.Point(
                        profile.expertInstanceType(), profile.expertBatchSize(), expertItemsPerSecond, tokens)),
                String.format(
                        Locale.ROOT,
                        "MEASURED by sieve load (%s): %.1f expert items per busy second of the worker that ran"
                                + " there, taken as one %s",
                        file,
                        expertItemsPerSecond,
                        profile.expertInstanceType()));
    }
}
