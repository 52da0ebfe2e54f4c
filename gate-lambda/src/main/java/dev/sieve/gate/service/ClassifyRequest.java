package dev.sieve.gate.service;

import dev.sieve.shared.mode.ModeSelector.RequestedMode;
import java.util.List;

/**
 * A validated {@code POST /v1/classify} body.
 *
 * @param allowGateFallback {@code allow_gate_fallback}: escalated items whose deadline (the real-time
 *     budget, or an hour for async) passes before the expert reaches them are answered with the gate's
 *     label (tier {@code gate_fallback}) instead of waiting; default false
 */
public record ClassifyRequest(List<Item> items, RequestedMode mode, boolean allowGateFallback) {
    public ClassifyRequest {
        items = List.copyOf(items);
    }

    /** One item to classify. */
    public record Item(String id, String text) {}
}
