package dev.sieve.worker.internal;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import java.util.List;

/** Turns the expert's probabilities (or a failure) into an {@link ItemResult}. */
public final class ResultMapper {
    private ResultMapper() {}

    public static ItemResult expert(QueueItem item, float[] probabilities, List<String> labels) {
        int best = argmax(probabilities);
        float[] gate = gateProbabilities(item, labels);
        return new ItemResult(
                item.id(),
                labels.get(best),
                probabilities[best],
                Tier.EXPERT,
                gate == null ? null : labels.get(argmax(gate)),
                gate == null ? null : (double) gate[argmax(gate)],
                null);
    }

    /** The expert's earlier answer for the same text (response cache): tier {@code CACHE}. */
    public static ItemResult cached(QueueItem item, float[] probabilities, List<String> labels) {
        ItemResult expert = expert(item, probabilities, labels);
        return new ItemResult(
                expert.id(),
                expert.label(),
                expert.confidence(),
                Tier.CACHE,
                expert.gateLabel(),
                expert.gateConfidence(),
                null);
    }

    /** The expert could not answer: the gate's answer stands, with the reason in {@code error}. */
    public static ItemResult failed(QueueItem item, List<String> labels, String reason) {
        float[] gate = gateProbabilities(item, labels);
        String label = gate == null ? null : labels.get(argmax(gate));
        Double confidence = gate == null ? null : (double) gate[argmax(gate)];
        return new ItemResult(
                item.id(), label, confidence == null ? 0 : confidence, Tier.GATE, label, confidence, reason);
    }

    /**
     * The deadline passed before the expert ran and the caller allowed the gate's label: tier {@code
     * GATE_FALLBACK}, reason {@link ItemResult#REASON_DEADLINE_PASSED}; empty when the item carries no
     * gate probabilities (then only the expert can answer it).
     */
    public static java.util.Optional<ItemResult> gateFallback(QueueItem item, List<String> labels) {
        float[] gate = gateProbabilities(item, labels);
        if (gate == null) {
            return java.util.Optional.empty();
        }
        int best = argmax(gate);
        return java.util.Optional.of(new ItemResult(
                item.id(),
                labels.get(best),
                gate[best],
                Tier.GATE_FALLBACK,
                labels.get(best),
                (double) gate[best],
                null,
                ItemResult.REASON_DEADLINE_PASSED));
    }

    private static float[] gateProbabilities(QueueItem item, List<String> labels) {
        float[] gate = item.gateProbabilities();
        return gate != null && gate.length == labels.size() && gate.length > 0 ? gate : null;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
