package dev.sieve.worker.expert;

import java.util.List;

/**
 * The expert tier: a tokenizer plus an ONNX graph that maps token ids (and the gate's
 * probabilities) to class probabilities. The worker tokenizes on a thread pool with
 * {@link #prepare}, groups prepared inputs into token-budget batches, and runs {@link #predict} on
 * the accelerator thread.
 */
public interface Expert extends AutoCloseable {

    /** Class labels, in the order of the probability vectors. */
    List<String> labels();

    /** Longest token sequence {@link #prepare} produces (the batcher's padding bound). */
    int maxTokens();

    /**
     * Tokenizes one text. Thread-safe; called concurrently from the tokenizer pool.
     *
     * @param gateProbabilities the gate's probabilities for this item (same label order), or null if
     *     unknown; experts whose head uses the gate score must then fall back to a neutral value
     */
    ExpertInput prepare(String text, float[] gateProbabilities);

    /**
     * Runs one batch; inputs are padded to the longest in the batch. Returns {@code [batch][labels]}
     * probabilities in input order. Called from one thread at a time.
     */
    float[][] predict(List<ExpertInput> batch) throws ExpertException;

    @Override
    void close();
}
