package dev.sieve.models.expert.internal;

import java.util.List;
import java.util.Objects;

/**
 * A classifier head: dense layers applied to {@code [embedding, log(gate probabilities)]}, then a
 * softmax. The same numbers are appended to the ONNX graph by {@link ExpertGraphBuilder}; {@link
 * #probabilities} is the Java reference the graph is checked against.
 *
 * @param layers dense layers in order; every layer but the last is followed by a ReLU
 * @param embeddingDimension width of the pooled embedding
 * @param gateClasses number of gate probabilities appended as features (0 = the head ignores the gate)
 */
public record DenseHead(List<Layer> layers, int embeddingDimension, int gateClasses) {
    /** Gate probabilities are clipped to this before the logarithm. */
    public static final float GATE_PROBABILITY_FLOOR = 1e-6f;

    public DenseHead {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a head needs at least one layer");
        }
        int expected = embeddingDimension + gateClasses;
        for (Layer layer : layers) {
            if (layer.inputs() != expected) {
                throw new IllegalArgumentException(
                        "layer expects " + layer.inputs() + " inputs but receives " + expected);
            }
            expected = layer.outputs();
        }
    }

    public int classes() {
        return layers.getLast().outputs();
    }

    public String kind() {
        return layers.size() == 1 ? "linear" : "mlp-" + layers.get(0).outputs();
    }

    /** Head input features for one item: the embedding followed by the clipped log gate probabilities. */
    public float[] features(float[] embedding, float[] gateProbabilities) {
        float[] features = new float[embeddingDimension + gateClasses];
        System.arraycopy(embedding, 0, features, 0, embeddingDimension);
        for (int c = 0; c < gateClasses; c++) {
            float p = gateProbabilities == null ? 1f / gateClasses : gateProbabilities[c];
            features[embeddingDimension + c] = (float) Math.log(Math.max(p, GATE_PROBABILITY_FLOOR));
        }
        return features;
    }

    /** Class probabilities, computed in float like the ONNX graph. */
    public float[] probabilities(float[] embedding, float[] gateProbabilities) {
        float[] h = features(embedding, gateProbabilities);
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).apply(h, i < layers.size() - 1);
        }
        return softmax(h);
    }

    static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        float[] out = new float[logits.length];
        float sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /**
     * One dense layer {@code y = x W + b}.
     *
     * @param weights {@code [inputs][outputs]}
     * @param bias {@code [outputs]}
     */
    public record Layer(float[][] weights, float[] bias) {
        public Layer {
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(bias, "bias");
            for (float[] row : weights) {
                if (row.length != bias.length) {
                    throw new IllegalArgumentException("weight rows must have " + bias.length + " columns");
                }
            }
        }

        public int inputs() {
            return weights.length;
        }

        public int outputs() {
            return bias.length;
        }

        float[] apply(float[] x, boolean relu) {
            float[] y = bias.clone();
            for (int i = 0; i < x.length; i++) {
                float xi = x[i];
                float[] row = weights[i];
                for (int o = 0; o < y.length; o++) {
                    y[o] += xi * row[o];
                }
            }
            if (relu) {
                for (int o = 0; o < y.length; o++) {
                    y[o] = Math.max(0f, y[o]);
                }
            }
            return y;
        }
    }
}
