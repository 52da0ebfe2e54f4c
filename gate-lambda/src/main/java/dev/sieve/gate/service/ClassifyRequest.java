package dev.sieve.gate.service;

import dev.sieve.shared.mode.ModeSelector.RequestedMode;
import java.util.List;

/** A validated {@code POST /v1/classify} body. */
public record ClassifyRequest(List<Item> items, RequestedMode mode) {
    public ClassifyRequest {
        items = List.copyOf(items);
    }

    /** One item to classify. */
    public record Item(String id, String text) {}
}
