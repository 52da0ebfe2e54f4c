package dev.sieve.models.finetune.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as Hugging Face fine-tunes BERT: no decay on
 * biases and LayerNorm parameters. Moments live beside the parameters and can be saved and restored.
 * Call {@link #step} outside a {@code GradientCollector} (DJL runs in-place updates without autograd there).
 */
public final class AdamW {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private final float weightDecay;
    private long steps;

    public AdamW(Map<String, NDArray> parameters, float weightDecay, NDManager manager) {
        this.weightDecay = weightDecay;
        parameters.forEach((name, p) -> {
            first.put(name, manager.zeros(p.getShape()));
            second.put(name, manager.zeros(p.getShape()));
        });
    }

    public long steps() {
        return steps;
    }

    /** One update of every parameter from its gradient, with the learning rate of its group. */
    public void step(Map<String, NDArray> parameters, Map<String, Float> learningRates) {
        steps++;
        float correction1 = (float) (1 - Math.pow(BETA1, steps));
        float correction2 = (float) (1 - Math.pow(BETA2, steps));
        parameters.forEach((name, p) -> {
            NDArray m = first.get(name);
            NDArray v = second.get(name);
            float rate = learningRates.get(name);
            try (NDArray g = p.getGradient();
                    NDArray scaledGradient = g.mul(1 - BETA1);
                    NDArray squaredGradient = g.square()) {
                m.muli(BETA1).addi(scaledGradient);
                v.muli(BETA2).addi(squaredGradient.muli(1 - BETA2));
            }
            // p -= rate * (m̂ / (sqrt(v̂) + ε) + decay * p)
            try (NDArray update = m.div(correction1);
                    NDArray vHat = v.div(correction2);
                    NDArray denominator = vHat.sqrt()) {
                denominator.addi(EPSILON);
                update.divi(denominator);
                if (weightDecay > 0 && decays(name)) {
                    try (NDArray decay = p.mul(weightDecay)) {
                        update.addi(decay);
                    }
                }
                p.subi(update.muli(rate));
            }
        });
    }

    /** Biases and LayerNorm parameters are not decayed. */
    static boolean decays(String name) {
        return !(name.endsWith(".bias") || name.contains("LayerNorm"));
    }

    /** The moments by name ({@code m:<name>}, {@code v:<name>}) and the step count, for a checkpoint. */
    public Map<String, float[]> state() {
        Map<String, float[]> state = new LinkedHashMap<>();
        first.forEach((name, m) -> state.put("m:" + name, m.toFloatArray()));
        second.forEach((name, v) -> state.put("v:" + name, v.toFloatArray()));
        return state;
    }

    /** Restores {@link #state()} and the step count. */
    public void restore(Map<String, float[]> state, long stepCount, NDManager manager) {
        restore(first, "m:", state, manager);
        restore(second, "v:", state, manager);
        steps = stepCount;
    }

    private static void restore(
            Map<String, NDArray> moments, String prefix, Map<String, float[]> state, NDManager manager) {
        moments.replaceAll((name, old) -> {
            float[] values = state.get(prefix + name);
            if (values == null || values.length != old.size()) {
                throw new IllegalArgumentException("checkpoint lacks optimizer state '" + prefix + name + "'");
            }
            NDArray restored = manager.create(values, old.getShape());
            old.close();
            return restored;
        });
    }
}
