package dev.sieve.worker.testing;

import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertException;
import dev.sieve.worker.expert.ExpertInput;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A deterministic expert for unit tests: one token per word (at most {@code maxTokens}), spam
 * probability from the token ids, and a failure for any batch holding the word {@code POISON}.
 */
public final class FakeExpert implements Expert {
    public static final long POISON_TOKEN = -1;

    private final int maxTokens;
    private final long predictMillis;
    private final int stallAfterBatches;
    private final java.util.concurrent.atomic.AtomicInteger predicted = new java.util.concurrent.atomic.AtomicInteger();
    private final List<List<ExpertInput>> batches = Collections.synchronizedList(new ArrayList<>());

    public FakeExpert(int maxTokens, long predictMillis) {
        this(maxTokens, predictMillis, Integer.MAX_VALUE);
    }

    /**
     * After {@code stallAfterBatches} batches, predict blocks until interrupted: a process test can then
     * kill a worker that is surely mid-work, whatever the machine's speed.
     */
    public FakeExpert(int maxTokens, long predictMillis, int stallAfterBatches) {
        this.maxTokens = maxTokens;
        this.predictMillis = predictMillis;
        this.stallAfterBatches = stallAfterBatches;
    }

    public FakeExpert() {
        this(64, 0);
    }

    @Override
    public List<String> labels() {
        return List.of("ham", "spam");
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public ExpertInput prepare(String text, float[] gateProbabilities) {
        String[] words = text.trim().split("\\s+");
        int n = Math.min(maxTokens, words.length);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = words[i].equals("POISON") ? POISON_TOKEN : Math.floorMod(words[i].hashCode(), 30_000);
        }
        return new ExpertInput(ids, gateProbabilities);
    }

    @Override
    public float[][] predict(List<ExpertInput> batch) throws ExpertException {
        batches.add(List.copyOf(batch));
        long sleep = predicted.incrementAndGet() > stallAfterBatches ? Long.MAX_VALUE : predictMillis;
        if (sleep > 0) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        float[][] out = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            long sum = 0;
            for (long id : batch.get(i).tokenIds()) {
                if (id == POISON_TOKEN) {
                    throw new ExpertException("poisoned input");
                }
                sum += id;
            }
            float spam = (sum % 100) / 100f;
            out[i] = new float[] {1 - spam, spam};
        }
        return out;
    }

    /** Every batch predict was called with (including the bisection's halves). */
    public List<List<ExpertInput>> batches() {
        return batches;
    }

    @Override
    public void close() {}
}
