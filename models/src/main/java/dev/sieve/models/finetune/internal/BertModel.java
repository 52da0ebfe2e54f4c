package dev.sieve.models.finetune.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.sieve.models.expert.Encoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder as plain NDArray operations over named parameters (loaded from {@link BertWeights}),
 * the same computation as the exported ONNX graph: embeddings + LayerNorm, then per layer multi-head
 * self-attention and a GELU feed-forward block, each with a residual connection and LayerNorm. Autograd
 * runs through it when called inside a {@code GradientCollector}.
 */
public final class BertModel {
    private static final float MASKED = -10000f;
    /** Not trained: see {@code EncoderFineTuner}. */
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    private final Map<String, NDArray> parameters;
    private final int layers;
    private final int hidden;
    private final int heads;
    private final float epsilon;
    private final Encoder.Pooling pooling;

    private BertModel(
            Map<String, NDArray> parameters,
            int layers,
            int hidden,
            int heads,
            float epsilon,
            Encoder.Pooling pooling) {
        this.parameters = parameters;
        this.layers = layers;
        this.hidden = hidden;
        this.heads = heads;
        this.epsilon = epsilon;
        this.pooling = pooling;
    }

    /** Copies every weight of {@code weights} into {@code manager} as a trainable parameter. */
    public static BertModel load(BertWeights weights, Encoder.Pooling pooling, NDManager manager) {
        return load(weights, Map.of(), pooling, manager);
    }

    /** As {@link #load(BertWeights, Encoder.Pooling, NDManager)}, with some values replaced (a checkpoint). */
    public static BertModel load(
            BertWeights weights, Map<String, float[]> replaced, Encoder.Pooling pooling, NDManager manager) {
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (String role : weights.roles()) {
            BertWeights.Tensor tensor = weights.get(role);
            float[] values = replaced.getOrDefault(role, tensor.values());
            if (values.length != tensor.values().length) {
                throw new IllegalArgumentException("checkpoint value of '" + role + "' has " + values.length
                        + " numbers, the encoder " + tensor.values().length);
            }
            NDArray array = manager.create(values, new Shape(tensor.shape()));
            array.setName(role);
            array.setRequiresGradient(!role.equals(WORD_EMBEDDINGS));
            parameters.put(role, array);
        }
        return new BertModel(
                parameters, weights.layers(), weights.hidden(), weights.heads(), weights.layerNormEpsilon(), pooling);
    }

    /** The parameters that are trained (all but the word embeddings). */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> trainable = new LinkedHashMap<>(parameters);
        trainable.remove(WORD_EMBEDDINGS);
        return trainable;
    }

    public int hidden() {
        return hidden;
    }

    /**
     * Pooled sentence vectors {@code [batch, hidden]} for padded token ids and their mask (both int64
     * {@code [batch, length]}); {@code dropout > 0} applies hidden-state dropout (training only).
     */
    public NDArray pooled(NDArray ids, NDArray mask, float dropout) {
        NDArray hiddenStates = forward(ids, mask, dropout);
        return switch (pooling) {
            case CLS -> hiddenStates.get(":, 0, :");
            case MEAN_L2 -> {
                NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
                NDArray sum = hiddenStates.mul(m).sum(new int[] {1});
                NDArray count = m.sum(new int[] {1}).maximum(1e-9f);
                NDArray mean = sum.div(count);
                NDArray norm = mean.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
                yield mean.div(norm);
            }
        };
    }

    /** The last hidden state {@code [batch, length, hidden]}. */
    public NDArray forward(NDArray ids, NDArray mask, float dropout) {
        long batch = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        NDManager manager = ids.getManager();
        NDArray positions = manager.arange(0, (int) length, 1, DataType.INT64).expandDims(0);
        NDArray types = manager.zeros(new Shape(batch, length), DataType.INT64);
        NDArray x = embed(ids, WORD_EMBEDDINGS)
                .add(embed(types, "embeddings.token_type_embeddings.weight"))
                .add(embed(positions, "embeddings.position_embeddings.weight"));
        x = layerNorm(x, "embeddings.LayerNorm");
        x = dropout(x, dropout);
        // [batch, 1, 1, length]: 0 where attended, a large negative number on padding
        NDArray additiveMask =
                mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED).reshape(batch, 1, 1, length);
        int headSize = hidden / heads;
        float scale = (float) Math.sqrt(headSize);
        for (int l = 0; l < layers; l++) {
            String p = BertWeights.layer(l);
            NDArray q = splitHeads(dense(x, p + "attention.self.query"), batch, length, headSize);
            NDArray k = splitHeads(dense(x, p + "attention.self.key"), batch, length, headSize);
            NDArray v = splitHeads(dense(x, p + "attention.self.value"), batch, length, headSize);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(scale).add(additiveMask);
            NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, hidden);
            NDArray attention = dropout(dense(context, p + "attention.output.dense"), dropout);
            x = layerNorm(attention.add(x), p + "attention.output.LayerNorm");
            NDArray intermediate =
                    dense(x, p + "intermediate.dense").getNDArrayInternal().gelu();
            NDArray output = dropout(dense(intermediate, p + "output.dense"), dropout);
            x = layerNorm(output.add(x), p + "output.LayerNorm");
        }
        return x;
    }

    private NDArray embed(NDArray indices, String table) {
        return indices.getNDArrayInternal()
                .embedding(indices, parameter(table), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    private NDArray dense(NDArray x, String prefix) {
        return x.matMul(parameter(prefix + ".weight")).add(parameter(prefix + ".bias"));
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(hidden), parameter(prefix + ".weight"), parameter(prefix + ".bias"), epsilon)
                .singletonOrThrow();
    }

    private static NDArray splitHeads(NDArray x, long batch, long length, int headSize) {
        return x.reshape(batch, length, x.getShape().get(2) / headSize, headSize)
                .transpose(0, 2, 1, 3);
    }

    private static NDArray dropout(NDArray x, float rate) {
        return rate > 0 ? x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow() : x;
    }

    private NDArray parameter(String role) {
        NDArray array = parameters.get(role);
        if (array == null) {
            throw new IllegalArgumentException("encoder has no weight '" + role + "'");
        }
        return array;
    }

    /** The parameter values by role, read back into Java arrays. */
    public Map<String, float[]> values(List<String> roles) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String role : roles) {
            values.put(role, parameter(role).toFloatArray());
        }
        return values;
    }
}
