package dev.sieve.worker.expert;

import java.util.Objects;

/**
 * One tokenized item, ready to be batched.
 *
 * @param tokenIds token ids including special tokens, at most {@link Expert#maxTokens()} long
 * @param gateProbabilities the gate's probabilities, or null
 */
public record ExpertInput(long[] tokenIds, float[] gateProbabilities) {
    public ExpertInput {
        Objects.requireNonNull(tokenIds, "tokenIds");
    }

    /** Sequence length in tokens (the batcher sorts and budgets on it). */
    public int tokens() {
        return tokenIds.length;
    }
}
