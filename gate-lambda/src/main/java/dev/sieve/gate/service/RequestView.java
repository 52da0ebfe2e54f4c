package dev.sieve.gate.service;

import dev.sieve.contract.GateEntry;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The answer of {@code POST /v1/classify} and {@code GET /v1/results/{id}}: the request's status and,
 * when known, every item with the tier that answered it and its confidence.
 *
 * @param status {@code complete}, {@code partial} (some items pending), {@code pending} (none
 *     answered yet), {@code awaiting_upload} or {@code failed}
 * @param items per-item results in request order; null for a 202 (async) answer. From {@code GET
 *     /v1/results/{id}} one page of them ({@link ResultsPage}); {@code counts} always cover every item
 * @param nextCursor where the next page starts ({@code ?cursor=}); null on the last page
 */
public record RequestView(
        String requestId,
        String mode,
        String modeReason,
        String status,
        String resultsUrl,
        Counts counts,
        List<ItemView> items,
        ErrorView error,
        String nextCursor) {

    /** How many items are in each state. */
    public record Counts(int items, int gate, int expert, int pending, int failed) {}

    /**
     * One item's result.
     *
     * @param status {@code complete}, {@code pending} or {@code failed}
     * @param tier {@code gate}, {@code expert}, {@code cache} (the expert's earlier answer for the same
     *     text) or {@code gate_fallback} (the gate's label: the deadline passed first); null while pending
     * @param reason why the answering tier is not the expected one ({@code deadline_passed})
     */
    public record ItemView(
            String id,
            String status,
            String label,
            Double confidence,
            String tier,
            String gateLabel,
            Double gateConfidence,
            String error,
            String reason) {}

    /** Why a request failed (for uploads whose body broke a rule). */
    public record ErrorView(String code, String field, String message) {}

    /** Merges the gate's answers with the expert results that have arrived. */
    static List<ItemView> merge(List<GateEntry> entries, Map<String, ItemResult> expert) {
        List<ItemView> views = new ArrayList<>(entries.size());
        for (GateEntry entry : entries) {
            if (!entry.escalated()) {
                views.add(new ItemView(
                        entry.id(),
                        "complete",
                        entry.label(),
                        entry.confidence(),
                        tier(Tier.GATE),
                        entry.label(),
                        entry.confidence(),
                        null,
                        null));
                continue;
            }
            ItemResult result = expert.get(entry.id());
            if (result == null) {
                views.add(new ItemView(
                        entry.id(), "pending", null, null, null, entry.label(), entry.confidence(), null, null));
            } else if (result.error() != null) {
                views.add(new ItemView(
                        entry.id(),
                        "failed",
                        result.label() != null ? result.label() : entry.label(),
                        result.label() != null ? result.confidence() : entry.confidence(),
                        tier(result.label() != null ? result.tier() : Tier.GATE),
                        entry.label(),
                        entry.confidence(),
                        result.error(),
                        result.reason()));
            } else {
                views.add(new ItemView(
                        entry.id(),
                        "complete",
                        result.label(),
                        result.confidence(),
                        tier(result.tier()),
                        entry.label(),
                        entry.confidence(),
                        null,
                        result.reason()));
            }
        }
        return views;
    }

    static Counts count(List<ItemView> views) {
        int gate = 0;
        int expert = 0;
        int pending = 0;
        int failed = 0;
        for (ItemView view : views) {
            switch (view.status()) {
                case "pending" -> pending++;
                case "failed" -> failed++;
                default -> {
                    // A cached answer is the expert's; a fallback is the gate's.
                    if ("expert".equals(view.tier()) || "cache".equals(view.tier())) {
                        expert++;
                    } else {
                        gate++;
                    }
                }
            }
        }
        return new Counts(views.size(), gate, expert, pending, failed);
    }

    static String status(Counts counts) {
        if (counts.pending() == 0) {
            return "complete";
        }
        return counts.pending() == counts.items() ? "pending" : "partial";
    }

    static String tier(Tier tier) {
        return tier.name().toLowerCase(Locale.ROOT);
    }
}
