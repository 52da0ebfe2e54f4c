package dev.sieve.models.expert.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Dynamic int8 quantization of an ONNX graph, in Java: what ONNX Runtime's {@code quantize_dynamic}
 * (per-channel, signed int8 weights) does to a transformer encoder. Every {@code MatMul} whose second
 * input is a 2-D float initializer {@code W [K, N]} (and every {@code Gemm} that is such a MatMul plus a
 * bias) gets int8 weights with one symmetric scale per output
 * column ({@code scale[n] = max|W[:, n]| / qmax}, zero point 0), and its activations are quantized to
 * uint8 per batch at run time. Everything else (attention's activation × activation MatMuls, LayerNorm,
 * Softmax, nodes the caller keeps) stays fp32.
 *
 * <p>Two node layouts ({@link Form}): the standard ONNX operators, which ONNX Runtime fuses into its
 * {@code com.microsoft} kernels at optimisation level EXTENDED or ALL, or those kernels written directly.
 */
public final class DynamicQuantizer {
    /** Domain of ONNX Runtime's contrib operators. */
    public static final String MICROSOFT_DOMAIN = "com.microsoft";

    private static final String PREFIX = "sieve_int8_";

    /** How a quantized MatMul is written. */
    public enum Form {
        /**
         * Standard ONNX operators (opset 11+), the layout of {@code quantize_dynamic}: one {@code
         * DynamicQuantizeLinear} per distinct activation (shared by the Q, K and V projections), then per
         * MatMul {@code MatMulInteger → Cast(float) → Mul(a_scale · w_scale)}. The bias {@code Add} after
         * it is rewritten as {@code Add(product, bias)}, the order in which ONNX Runtime folds the bias into
         * its fused {@code MatMulIntegerToFloat}.
         */
        STANDARD,
        /**
         * ONNX Runtime's contrib kernel {@code com.microsoft.DynamicQuantizeMatMul(A, W_q, w_scale,
         * w_zero_point, bias)} per MatMul, with the bias {@code Add} folded in. Runs on ONNX Runtime only.
         */
        CONTRIB
    }

    /**
     * @param form the node layout
     * @param weightBits 8 (weights in [-127, 127]) or 7 ([-63, 63], ORT's {@code reduce_range}: on x86 CPUs
     *     without VNNI the uint8 × int8 kernel sums pairs of products in int16, which 7-bit weights cannot
     *     overflow, so ONNX Runtime keeps that kernel instead of converting the weights to uint8)
     * @param keepFp32 MatMul nodes to leave in fp32 (e.g. a small classifier head)
     */
    public record Options(Form form, int weightBits, Predicate<NodeProto> keepFp32) {
        public Options {
            Objects.requireNonNull(form, "form");
            Objects.requireNonNull(keepFp32, "keepFp32");
            if (weightBits != 7 && weightBits != 8) {
                throw new IllegalArgumentException("weightBits must be 7 or 8, got " + weightBits);
            }
        }

        /** Standard operators, 7-bit weights, every eligible MatMul quantized. */
        public static Options defaults() {
            return new Options(Form.STANDARD, 7, node -> false);
        }

        public Options withForm(Form value) {
            return new Options(value, weightBits, keepFp32);
        }

        public Options withWeightBits(int value) {
            return new Options(form, value, keepFp32);
        }

        public Options withKeepFp32(Predicate<NodeProto> value) {
            return new Options(form, weightBits, value);
        }
    }

    /**
     * The quantized model and what was done.
     *
     * @param quantizedMatMuls MatMul (and Gemm) nodes replaced
     * @param keptFp32MatMuls MatMul (and Gemm) nodes with a constant 2-D weight that {@link Options#keepFp32}
     *     kept
     * @param foldedBiases bias Adds folded into a fused kernel ({@link Form#CONTRIB}) or left (reordered where
     *     needed) for ONNX Runtime to fold ({@link Form#STANDARD})
     * @param fp32WeightBytes bytes of the fp32 weights replaced
     * @param int8WeightBytes bytes of their int8 weights, scales and zero points
     */
    public record Result(
            ModelProto model,
            int quantizedMatMuls,
            int keptFp32MatMuls,
            int foldedBiases,
            long fp32WeightBytes,
            long int8WeightBytes) {
        /** For a bundle's metadata. */
        public Map<String, Object> facts(Options options) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("method", "dynamic int8 (Java, per-column symmetric weights, uint8 activations per batch)");
            facts.put("form", options.form().name().toLowerCase(java.util.Locale.ROOT));
            facts.put("weight_bits", options.weightBits());
            facts.put("quantized_matmuls", quantizedMatMuls);
            facts.put("kept_fp32_matmuls", keptFp32MatMuls);
            facts.put("folded_biases", foldedBiases);
            facts.put("fp32_weight_bytes", fp32WeightBytes);
            facts.put("int8_weight_bytes", int8WeightBytes);
            return facts;
        }
    }

    private final Options options;
    private final GraphProto source;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, String[]> quantizedActivations = new HashMap<>();
    private final Map<String, QuantizedWeight> quantizedWeights = new HashMap<>();
    private final Set<String> replacedWeights = new HashSet<>();
    private final Set<NodeProto> foldedAdds = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final Map<NodeProto, NodeProto> reorderedAdds = new java.util.IdentityHashMap<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> newInitializers = new ArrayList<>();
    private int counter;
    private int quantized;
    private int kept;
    private int biasesInOrder;
    private long fp32Bytes;
    private long int8Bytes;

    private DynamicQuantizer(GraphProto source, Options options) {
        this.source = source;
        this.options = options;
        for (TensorProto tensor : source.getInitializerList()) {
            initializers.put(tensor.getName(), tensor);
        }
        for (NodeProto node : source.getNodeList()) {
            for (String input : node.getInputList()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
        source.getOutputList().forEach(output -> graphOutputs.add(output.getName()));
    }

    /**
     * Quantizes {@code model}'s weight MatMuls.
     *
     * @throws IllegalArgumentException when the model's opset is below 11 (no {@code DynamicQuantizeLinear}),
     *     or a weight keeps its data in an external file
     */
    public static Result quantize(ModelProto model, Options options) {
        long opset = ExpertGraphBuilder.defaultOpset(model);
        if (opset < 11) {
            throw new IllegalArgumentException(
                    "dynamic int8 quantization needs opset 11 or later (DynamicQuantizeLinear); the model imports "
                            + opset);
        }
        DynamicQuantizer quantizer = new DynamicQuantizer(model.getGraph(), options);
        GraphProto graph = quantizer.rewrite();
        ModelProto.Builder out = model.toBuilder().setGraph(graph);
        if (options.form() == Form.CONTRIB
                && quantizer.quantized > 0
                && model.getOpsetImportList().stream()
                        .noneMatch(o -> o.getDomain().equals(MICROSOFT_DOMAIN))) {
            out.addOpsetImport(
                    OperatorSetIdProto.newBuilder().setDomain(MICROSOFT_DOMAIN).setVersion(1));
        }
        return new Result(
                out.build(),
                quantizer.quantized,
                quantizer.kept,
                quantizer.foldedAdds.size() + quantizer.biasesInOrder,
                quantizer.fp32Bytes,
                quantizer.int8Bytes);
    }

    private GraphProto rewrite() {
        for (NodeProto node : source.getNodeList()) {
            if (foldedAdds.contains(node)) {
                continue;
            }
            NodeProto reordered = reorderedAdds.get(node);
            if (reordered != null) {
                nodes.add(reordered);
                continue;
            }
            Target target = target(node);
            if (target == null) {
                nodes.add(node);
            } else if (options.keepFp32().test(node)) {
                kept++;
                nodes.add(node);
            } else {
                quantize(node, target);
                quantized++;
            }
        }
        Set<String> used = new HashSet<>(graphOutputs);
        for (NodeProto node : nodes) {
            used.addAll(node.getInputList());
        }
        GraphProto.Builder graph =
                source.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        for (TensorProto tensor : source.getInitializerList()) {
            if (used.contains(tensor.getName()) || !replacedWeights.contains(tensor.getName())) {
                graph.addInitializer(tensor);
            }
        }
        graph.addAllInitializer(newInitializers);
        // value descriptions of removed tensors would describe nothing
        Set<String> produced = new HashSet<>();
        nodes.forEach(node -> produced.addAll(node.getOutputList()));
        List<ValueInfoProto> valueInfo = graph.getValueInfoList().stream()
                .filter(v -> used.contains(v.getName()) || produced.contains(v.getName()))
                .toList();
        graph.clearValueInfo().addAllValueInfo(valueInfo);
        return graph.build();
    }

    /**
     * What a node to quantize computes: {@code activation · W} ({@code W} stored transposed for a Gemm with
     * {@code transB}), plus {@code gemmBias} (a Gemm's own {@code C}, or null).
     */
    private record Target(String activation, TensorProto weight, boolean transposed, String gemmBias) {}

    /**
     * A {@code MatMul} whose second input is a 2-D float initializer, or a {@code Gemm} that is one plus a
     * 1-D bias ({@code alpha = beta = 1}, no {@code transA}); null for any other node.
     */
    private Target target(NodeProto node) {
        if (!node.getDomain().isEmpty() || node.getInputCount() < 2) {
            return null;
        }
        TensorProto weight = initializers.get(node.getInput(1));
        if (weight == null
                || weight.getDataType() != TensorProto.DataType.FLOAT_VALUE
                || weight.getDimsCount() != 2
                || weight.getDims(0) < 1
                || weight.getDims(1) < 1) {
            return null;
        }
        if (node.getOpType().equals("MatMul") && node.getInputCount() == 2) {
            return new Target(node.getInput(0), weight, false, null);
        }
        if (!node.getOpType().equals("Gemm")
                || floatAttribute(node, "alpha", 1f) != 1f
                || intAttribute(node, "transA", 0) != 0) {
            return null;
        }
        boolean transposed = intAttribute(node, "transB", 0) != 0;
        String bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? node.getInput(2) : null;
        if (bias != null) {
            TensorProto c = initializers.get(bias);
            long columns = weight.getDims(transposed ? 0 : 1);
            if (floatAttribute(node, "beta", 1f) != 1f
                    || c == null
                    || c.getDataType() != TensorProto.DataType.FLOAT_VALUE
                    || c.getDimsCount() != 1
                    || c.getDims(0) != columns) {
                return null;
            }
        }
        return new Target(node.getInput(0), weight, transposed, bias);
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        return node.getAttributeList().stream()
                .filter(a -> a.getName().equals(name))
                .map(AttributeProto::getF)
                .findFirst()
                .orElse(fallback);
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
        return node.getAttributeList().stream()
                .filter(a -> a.getName().equals(name))
                .map(AttributeProto::getI)
                .findFirst()
                .orElse(fallback);
    }

    private void quantize(NodeProto node, Target target) {
        TensorProto weight = target.weight();
        replacedWeights.add(weight.getName());
        QuantizedWeight w = quantizedWeights.computeIfAbsent(
                weight.getName() + (target.transposed() ? "^T" : ""),
                key -> quantizeWeight(weight, target.transposed()));
        String activation = target.activation();
        String output = node.getOutput(0);
        String base = PREFIX + (counter++);
        Bias bias = target.gemmBias() != null ? null : bias(node, w.columns());
        if (options.form() == Form.CONTRIB) {
            List<String> inputs = new ArrayList<>(List.of(activation, w.values(), w.scale(), w.zeroPoint()));
            String result = output;
            if (target.gemmBias() != null) {
                inputs.add(target.gemmBias());
            } else if (bias != null) {
                inputs.add(bias.initializer());
                result = bias.add().getOutput(0);
                foldedAdds.add(bias.add());
            }
            nodes.add(NodeProto.newBuilder()
                    .setOpType("DynamicQuantizeMatMul")
                    .setDomain(MICROSOFT_DOMAIN)
                    .setName(base + "_DynamicQuantizeMatMul")
                    .addAllInput(inputs)
                    .addOutput(result)
                    .build());
            return;
        }
        String[] q = quantizedActivations.computeIfAbsent(activation, a -> {
            String name = PREFIX + (counter++);
            String[] outputs = {name + "_quantized", name + "_scale", name + "_zero_point"};
            nodes.add(NodeProto.newBuilder()
                    .setOpType("DynamicQuantizeLinear")
                    .setName(name + "_DynamicQuantizeLinear")
                    .addInput(a)
                    .addAllOutput(List.of(outputs))
                    .build());
            return outputs;
        });
        String integer = base + "_int32";
        nodes.add(node("MatMulInteger", base, List.of(q[0], w.values(), q[2], w.zeroPoint()), integer));
        String asFloat = base + "_float";
        nodes.add(NodeProto.newBuilder()
                .setOpType("Cast")
                .setName(base + "_Cast")
                .addInput(integer)
                .addOutput(asFloat)
                .addAttribute(AttributeProto.newBuilder()
                        .setName("to")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.FLOAT_VALUE))
                .build());
        String scale = base + "_scale";
        nodes.add(node("Mul", base + "_scales", List.of(q[1], w.scale()), scale));
        String product = target.gemmBias() == null ? output : base + "_product";
        nodes.add(node("Mul", base + "_output", List.of(asFloat, scale), product));
        if (target.gemmBias() != null) {
            nodes.add(node("Add", base + "_bias", List.of(product, target.gemmBias()), output));
            biasesInOrder++;
        }
        if (bias != null) {
            biasesInOrder++;
        }
        if (bias != null && !bias.add().getInput(1).equals(bias.initializer())) {
            reorderedAdds.put(
                    bias.add(),
                    bias.add().toBuilder()
                            .clearInput()
                            .addInput(output)
                            .addInput(bias.initializer())
                            .build());
        }
    }

    private record Bias(NodeProto add, String initializer) {}

    /**
     * The {@code Add} of a 1-D float {@code [columns]} initializer that is the only consumer of the
     * MatMul's output (which is not a graph output), or null.
     */
    private Bias bias(NodeProto matMul, long columns) {
        String output = matMul.getOutput(0);
        List<NodeProto> users = consumers.getOrDefault(output, List.of());
        if (users.size() != 1 || graphOutputs.contains(output)) {
            return null;
        }
        NodeProto add = users.get(0);
        if (!add.getOpType().equals("Add") || !add.getDomain().isEmpty() || add.getInputCount() != 2) {
            return null;
        }
        String other = add.getInput(0).equals(output) ? add.getInput(1) : add.getInput(0);
        TensorProto tensor = initializers.get(other);
        if (tensor == null
                || other.equals(output)
                || tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE
                || tensor.getDimsCount() != 1
                || tensor.getDims(0) != columns
                || columns < 2) {
            return null;
        }
        return new Bias(add, other);
    }

    private record QuantizedWeight(String values, String scale, String zeroPoint, long columns) {}

    /** Quantizes {@code weight} as {@code [K, N]} (transposing a Gemm's {@code [N, K]} first). */
    private QuantizedWeight quantizeWeight(TensorProto weight, boolean transposed) {
        int stored0 = Math.toIntExact(weight.getDims(0));
        int stored1 = Math.toIntExact(weight.getDims(1));
        float[] values = floats(weight);
        if (values.length != stored0 * stored1) {
            throw new IllegalArgumentException("initializer '" + weight.getName() + "' has " + values.length
                    + " values for shape [" + stored0 + ", " + stored1 + "]");
        }
        int rows = transposed ? stored1 : stored0;
        int columns = transposed ? stored0 : stored1;
        if (transposed) {
            float[] t = new float[values.length];
            for (int n = 0; n < stored0; n++) {
                for (int k = 0; k < stored1; k++) {
                    t[k * columns + n] = values[n * stored1 + k];
                }
            }
            values = t;
        }
        QuantizedMatrix matrix = quantizeColumns(values, rows, columns, options.weightBits());
        String name = weight.getName() + (transposed ? "_transposed" : "");
        String valuesName = name + "_" + PREFIX + "quantized";
        String scaleName = name + "_" + PREFIX + "scale";
        String zeroName = name + "_" + PREFIX + "zero_point";
        newInitializers.add(TensorProto.newBuilder()
                .setName(valuesName)
                .setDataType(TensorProto.DataType.INT8_VALUE)
                .addDims(rows)
                .addDims(columns)
                .setRawData(ByteString.copyFrom(matrix.values()))
                .build());
        ByteBuffer scales = ByteBuffer.allocate(columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        scales.asFloatBuffer().put(matrix.scales());
        newInitializers.add(TensorProto.newBuilder()
                .setName(scaleName)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(columns)
                .setRawData(ByteString.copyFrom(scales.array()))
                .build());
        // an explicit int8 zero point: ORT's AVX2 rewrite to uint8 weights needs one to rewrite
        newInitializers.add(TensorProto.newBuilder()
                .setName(zeroName)
                .setDataType(TensorProto.DataType.INT8_VALUE)
                .addDims(columns)
                .setRawData(ByteString.copyFrom(new byte[columns]))
                .build());
        fp32Bytes += (long) values.length * Float.BYTES;
        int8Bytes += (long) values.length + (long) columns * (Float.BYTES + 1);
        return new QuantizedWeight(valuesName, scaleName, zeroName, columns);
    }

    /**
     * Int8 values of a row-major {@code [rows, columns]} matrix and one scale per column: {@code scale[n] =
     * max|W[:, n]| / qmax} ({@code qmax} 127 for 8 bits, 63 for 7), {@code q = round-half-even(w / scale)};
     * an all-zero column gets scale 1.
     */
    public record QuantizedMatrix(byte[] values, float[] scales) {}

    public static QuantizedMatrix quantizeColumns(float[] values, int rows, int columns, int bits) {
        int qmax = (1 << (bits - 1)) - 1;
        float[] scales = new float[columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                scales[c] = Math.max(scales[c], Math.abs(values[r * columns + c]));
            }
        }
        for (int c = 0; c < columns; c++) {
            scales[c] = scales[c] == 0 ? 1f : scales[c] / qmax;
        }
        byte[] q = new byte[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double v = Math.rint(values[r * columns + c] / scales[c]);
                q[r * columns + c] = (byte) Math.max(-qmax, Math.min(qmax, v));
            }
        }
        return new QuantizedMatrix(q, scales);
    }

    private static NodeProto node(String type, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(type)
                .setName(name + "_" + type)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static float[] floats(TensorProto proto) {
        return OnnxTensors.floats(proto, "quantization");
    }
}
