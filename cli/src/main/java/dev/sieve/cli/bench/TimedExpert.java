package dev.sieve.cli.bench;

import dev.sieve.worker.expert.Expert;
import dev.sieve.worker.expert.ExpertException;
import dev.sieve.worker.expert.ExpertInput;
import java.util.ArrayList;
import java.util.List;

/**
 * An expert that records when each {@link #predict} started and ended (nanoTime) and otherwise is the
 * expert it wraps; {@code sieve bench worker} uses it to say where the session was idle during a pass.
 * Not closed by the worker's owner: {@link #close} does nothing, the wrapped expert is the bench's.
 */
final class TimedExpert implements Expert {
    private final Expert expert;
    private final List<long[]> calls = new ArrayList<>();

    TimedExpert(Expert expert) {
        this.expert = expert;
    }

    @Override
    public List<String> labels() {
        return expert.labels();
    }

    @Override
    public int maxTokens() {
        return expert.maxTokens();
    }

    @Override
    public ExpertInput prepare(String text, float[] gateProbabilities) {
        return expert.prepare(text, gateProbabilities);
    }

    @Override
    public float[][] predict(List<ExpertInput> batch) throws ExpertException {
        long start = System.nanoTime();
        try {
            return expert.predict(batch);
        } finally {
            long end = System.nanoTime();
            synchronized (calls) {
                calls.add(new long[] {start, end});
            }
        }
    }

    /**
     * Seconds the expert was idle within {@code [from, to]}: before its first call, between calls, after
     * its last call.
     */
    double[] idleSeconds(long from, long to) {
        synchronized (calls) {
            if (calls.isEmpty()) {
                return new double[] {(to - from) / 1e9, 0, 0};
            }
            long between = 0;
            for (int i = 1; i < calls.size(); i++) {
                between += Math.max(0, calls.get(i)[0] - calls.get(i - 1)[1]);
            }
            return new double[] {
                (calls.get(0)[0] - from) / 1e9, between / 1e9, (to - calls.get(calls.size() - 1)[1]) / 1e9
            };
        }
    }

    @Override
    public void close() {}
}
