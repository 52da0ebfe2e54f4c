package dev.sieve.shared.result;

import java.util.Objects;

/**
 * The answer for one item.
 *
 * @param id the item id
 * @param label the predicted label
 * @param confidence the probability of {@code label} from the answering tier
 * @param tier which tier answered
 * @param gateLabel the gate's label (also set when the expert answered)
 * @param gateConfidence the gate's probability for {@code gateLabel}
 * @param error set instead of a label when the item could not be classified (e.g. the expert
 *     rejected it after repeated failures); {@code label} then holds the gate's answer
 * @param reason why a tier other than the expected one answered ({@link #REASON_DEADLINE_PASSED} for
 *     {@link Tier#GATE_FALLBACK}), null otherwise
 */
public record ItemResult(
        String id,
        String label,
        double confidence,
        Tier tier,
        String gateLabel,
        Double gateConfidence,
        String error,
        String reason) {

    /** The reason of a {@link Tier#GATE_FALLBACK} answer: the deadline passed before the expert's batch formed. */
    public static final String REASON_DEADLINE_PASSED = "deadline_passed";

    public ItemResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tier, "tier");
    }

    /** A result without a reason. */
    public ItemResult(
            String id,
            String label,
            double confidence,
            Tier tier,
            String gateLabel,
            Double gateConfidence,
            String error) {
        this(id, label, confidence, tier, gateLabel, gateConfidence, error, null);
    }

    public static ItemResult gate(String id, String label, double confidence) {
        return new ItemResult(id, label, confidence, Tier.GATE, label, confidence, null);
    }

    public static ItemResult expert(
            String id, String label, double confidence, String gateLabel, double gateConfidence) {
        return new ItemResult(id, label, confidence, Tier.EXPERT, gateLabel, gateConfidence, null);
    }
}
