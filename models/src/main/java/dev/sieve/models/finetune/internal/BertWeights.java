package dev.sieve.models.finetune.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.sieve.models.expert.internal.OnnxTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainable weights of a BERT encoder exported to ONNX (Hugging Face / optimum layout), found by
 * their parameter names. The exporter keeps the names of biases and LayerNorm parameters but renames
 * the weight matrices ({@code onnx::MatMul_787}); each such matrix gets the name of the bias added
 * right after its MatMul ({@code encoder.layer.0.attention.self.query.bias} gives {@code ...query.weight}).
 * Matrices keep the ONNX layout {@code [in, out]} (the graph computes {@code x · W}).
 */
public final class BertWeights {
    /** A float tensor: the initializer's name in the graph, its shape and values. */
    public record Tensor(String initializer, long[] shape, float[] values) {}

    private final Map<String, Tensor> byRole;
    private final int layers;
    private final int hidden;
    private final int heads;
    private final float layerNormEpsilon;

    private BertWeights(Map<String, Tensor> byRole, int layers, int hidden, int heads, float layerNormEpsilon) {
        this.byRole = byRole;
        this.layers = layers;
        this.hidden = hidden;
        this.heads = heads;
        this.layerNormEpsilon = layerNormEpsilon;
    }

    /** Reads the weights; a graph that is not a BERT encoder gets an error naming what is missing. */
    public static BertWeights read(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto tensor : graph.getInitializerList()) {
            initializers.put(tensor.getName(), tensor);
        }
        Map<String, NodeProto> producers = new HashMap<>();
        Map<String, NodeProto> firstConsumer = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(output -> producers.put(output, node));
            node.getInputList().forEach(input -> firstConsumer.putIfAbsent(input, node));
        }
        Map<String, Tensor> byRole = new LinkedHashMap<>();
        for (TensorProto tensor : graph.getInitializerList()) {
            if (tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE
                    && !tensor.getName().contains("::")) {
                byRole.put(tensor.getName(), tensor(tensor));
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            if (!node.getOpType().equals("MatMul") || !initializers.containsKey(node.getInput(1))) {
                continue;
            }
            NodeProto add = firstConsumer.get(node.getOutput(0));
            String bias = add == null || !add.getOpType().equals("Add")
                    ? null
                    : add.getInputList().stream()
                            .filter(name -> name.endsWith(".bias") && initializers.containsKey(name))
                            .findFirst()
                            .orElse(null);
            if (bias == null) {
                throw new IllegalArgumentException("MatMul node '" + node.getName() + "' of the encoder graph is not"
                        + " followed by an Add of a named '*.bias' initializer; not a BERT encoder export");
            }
            String role = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            byRole.put(role, tensor(initializers.get(node.getInput(1))));
        }
        int layers = 0;
        while (byRole.containsKey(layer(layers) + "attention.self.query.weight")) {
            layers++;
        }
        for (String required : List.of(
                "embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight")) {
            if (!byRole.containsKey(required)) {
                throw new IllegalArgumentException("encoder graph has no initializer '" + required + "'");
            }
        }
        if (layers == 0) {
            throw new IllegalArgumentException("encoder graph has no 'encoder.layer.0.attention.self.query' weights");
        }
        int hidden = (int) byRole.get("embeddings.word_embeddings.weight").shape()[1];
        int headSize = headSize(graph, producers, initializers);
        if (headSize <= 0 || hidden % headSize != 0) {
            throw new IllegalArgumentException("attention scale of the encoder graph gives head size " + headSize
                    + ", which does not divide " + hidden);
        }
        float epsilon = layerNormEpsilon(graph, producers, initializers);
        return new BertWeights(byRole, layers, hidden, hidden / headSize, epsilon);
    }

    public static String layer(int index) {
        return "encoder.layer." + index + ".";
    }

    public int layers() {
        return layers;
    }

    public int hidden() {
        return hidden;
    }

    public int heads() {
        return heads;
    }

    public float layerNormEpsilon() {
        return layerNormEpsilon;
    }

    /** Parameter names (roles) in a stable order. */
    public List<String> roles() {
        return List.copyOf(byRole.keySet());
    }

    public Tensor get(String role) {
        Tensor tensor = byRole.get(role);
        if (tensor == null) {
            throw new IllegalArgumentException("encoder graph has no weight '" + role + "'");
        }
        return tensor;
    }

    /**
     * {@code model} with the initializers of the given roles replaced by {@code values}, each stored in the
     * form the original used (raw bytes or a float list), so the file keeps its size and everything else
     * in it (nodes, inputs, outputs, metadata) is unchanged.
     */
    public ModelProto replace(ModelProto model, Map<String, float[]> values) {
        Map<String, float[]> byInitializer = new HashMap<>();
        values.forEach((role, data) -> {
            Tensor original = get(role);
            if (original.values().length != data.length) {
                throw new IllegalArgumentException(
                        "weight '" + role + "' has " + original.values().length + " values, got " + data.length);
            }
            byInitializer.put(original.initializer(), data);
        });
        GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            float[] data = byInitializer.get(graph.getInitializer(i).getName());
            if (data == null) {
                continue;
            }
            TensorProto.Builder tensor = graph.getInitializer(i).toBuilder();
            if (tensor.getRawData().isEmpty()) {
                tensor.clearFloatData();
                for (float v : data) {
                    tensor.addFloatData(v);
                }
            } else {
                ByteBuffer bytes =
                        ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(data);
                tensor.setRawData(ByteString.copyFrom(bytes.array()));
            }
            graph.setInitializer(i, tensor);
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static Tensor tensor(TensorProto proto) {
        long[] shape = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return new Tensor(proto.getName(), shape, floats(proto));
    }

    private static float[] floats(TensorProto proto) {
        return OnnxTensors.floats(proto, "fine-tuning");
    }

    /** From the first attention: {@code Softmax(Add(Div(Q·Kᵀ, √d), mask))} (or {@code Mul} by {@code 1/√d}). */
    private static int headSize(
            GraphProto graph, Map<String, NodeProto> producers, Map<String, TensorProto> initializers) {
        NodeProto softmax = graph.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Softmax"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("encoder graph has no Softmax (attention) node"));
        NodeProto add = producers.get(softmax.getInput(0));
        if (add != null && add.getOpType().equals("Add")) {
            for (String input : add.getInputList()) {
                NodeProto scale = producers.get(input);
                if (scale == null
                        || !(scale.getOpType().equals("Div")
                                || scale.getOpType().equals("Mul"))) {
                    continue;
                }
                Optional<Float> value = scalar(scale.getInput(1), producers, initializers);
                if (value.isPresent()) {
                    double root = scale.getOpType().equals("Div") ? value.get() : 1.0 / value.get();
                    return (int) Math.round(root * root);
                }
            }
        }
        throw new IllegalArgumentException("cannot find the attention scale (Div or Mul by a constant before the"
                + " first Softmax) in the encoder graph");
    }

    /** From the first LayerNorm: {@code Sqrt(Add(ReduceMean(...), epsilon))}. */
    private static float layerNormEpsilon(
            GraphProto graph, Map<String, NodeProto> producers, Map<String, TensorProto> initializers) {
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("LayerNormalization")) {
                return node.getAttributeList().stream()
                        .filter(a -> a.getName().equals("epsilon"))
                        .map(a -> a.getF())
                        .findFirst()
                        .orElse(1e-5f);
            }
            if (node.getOpType().equals("Sqrt")) {
                NodeProto add = producers.get(node.getInput(0));
                if (add != null && add.getOpType().equals("Add")) {
                    Optional<Float> epsilon = scalar(add.getInput(1), producers, initializers);
                    if (epsilon.isPresent()) {
                        return epsilon.get();
                    }
                }
            }
        }
        throw new IllegalArgumentException("cannot find the LayerNorm epsilon in the encoder graph");
    }

    private static Optional<Float> scalar(
            String name, Map<String, NodeProto> producers, Map<String, TensorProto> initializers) {
        TensorProto tensor = initializers.get(name);
        NodeProto constant = producers.get(name);
        if (tensor == null && constant != null && constant.getOpType().equals("Constant")) {
            tensor = constant.getAttributeList().stream()
                    .filter(a -> a.getName().equals("value"))
                    .map(a -> a.getT())
                    .findFirst()
                    .orElse(null);
        }
        if (tensor == null || tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return Optional.empty();
        }
        float[] values = floats(tensor);
        return values.length == 1 ? Optional.of(values[0]) : Optional.empty();
    }
}
