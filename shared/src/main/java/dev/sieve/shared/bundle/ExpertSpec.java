package dev.sieve.shared.bundle;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * How the worker serves a bundle's expert graph, declared in the manifest by whoever made the bundle
 * (and checked against the graph when the worker opens it), so nothing is guessed from the graph.
 *
 * @param output what the graph's output is: {@link Output#PROBABILITIES} (a Sieve-trained graph) or
 *     {@link Output#LOGITS} (a Hugging Face sequence-classification export; the worker applies softmax)
 * @param gateFeature whether the graph takes the gate's probabilities as the input {@value
 *     ExpertGraphContract#GATE_PROBABILITIES}
 * @param maxTokens longest token sequence fed to the graph (8-8192)
 * @param tailTokens tokens kept from the end of long texts (head+tail truncation; 0 = plain truncation)
 */
public record ExpertSpec(Output output, boolean gateFeature, int maxTokens, int tailTokens) {

    /** The graph's output tensor. */
    public enum Output {
        @JsonProperty("probabilities")
        PROBABILITIES(ExpertGraphContract.PROBABILITIES),
        @JsonProperty("logits")
        LOGITS(ExpertGraphContract.LOGITS);

        private final String tensorName;

        Output(String tensorName) {
            this.tensorName = tensorName;
        }

        /** Name of the output tensor in the graph. */
        public String tensorName() {
            return tensorName;
        }
    }

    public ExpertSpec {
        Objects.requireNonNull(output, "expert.output (probabilities or logits)");
        if (maxTokens < 8 || maxTokens > 8192) {
            throw new IllegalArgumentException("expert.max_tokens must be between 8 and 8192, got " + maxTokens);
        }
        if (tailTokens < 0 || tailTokens > maxTokens / 2) {
            throw new IllegalArgumentException(
                    "expert.tail_tokens must be between 0 and max_tokens/2 (" + maxTokens / 2 + "), got " + tailTokens);
        }
    }

    /** A Sieve-trained graph: output {@code probabilities}. */
    public static ExpertSpec probabilities(boolean gateFeature, int maxTokens, int tailTokens) {
        return new ExpertSpec(Output.PROBABILITIES, gateFeature, maxTokens, tailTokens);
    }

    /** A standard classifier export: output {@code logits}, no gate input. */
    public static ExpertSpec logits(int maxTokens, int tailTokens) {
        return new ExpertSpec(Output.LOGITS, false, maxTokens, tailTokens);
    }
}
