package dev.sieve.cli.bench;

import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertInput;
import java.util.List;

/**
 * An expert that costs nothing, for {@code sieve bench realtime} and tests only (never wired into a
 * worker that serves traffic): two token ids per text and a fixed answer (spam, 0.9), so what is timed
 * or checked is the pipeline around the expert.
 */
public final class ZeroCostExpert implements Expert {
    private static final long[] IDS = {101, 102};

    private final Runnable predicted;

    public ZeroCostExpert() {
        this(() -> {});
    }

    /** {@code predicted} runs after each batch (the bench's stage clock). */
    ZeroCostExpert(Runnable predicted) {
        this.predicted = predicted;
    }

    @Override
    public List<String> labels() {
        return List.of("ham", "spam");
    }

    @Override
    public int maxTokens() {
        return 8;
    }

    @Override
    public ExpertInput prepare(String text, float[] gateProbabilities) {
        return new ExpertInput(IDS, gateProbabilities);
    }

    @Override
    public float[][] predict(List<ExpertInput> batch) {
        float[][] out = new float[batch.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[] {0.1f, 0.9f};
        }
        predicted.run();
        return out;
    }

    @Override
    public void close() {}
}
