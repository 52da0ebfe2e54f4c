package dev.sieve.models.expert.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.sieve.models.expert.Encoder;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.shared.bundle.ExpertSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Appends pooling and a classifier head to a transformer encoder's ONNX graph, so that one ONNX file
 * maps token ids (and the gate's probabilities) to class probabilities. Nodes use the forms of the
 * encoder's own opset (axes as attributes before opset 13, as inputs from 13 on).
 */
public final class ExpertGraphBuilder {
    /** Output of the pooled-encoder graph that training embeds with. */
    public static final String EMBEDDING = "embedding";

    private static final String PROBABILITIES = ExpertGraphContract.PROBABILITIES;
    private static final String GATE_PROBABILITIES = ExpertGraphContract.GATE_PROBABILITIES;
    private static final String HIDDEN_STATE = ExpertGraphContract.LAST_HIDDEN_STATE;
    private static final String ATTENTION_MASK = ExpertGraphContract.ATTENTION_MASK;

    private static final String PREFIX = "sieve_";

    private final GraphProto.Builder graph;
    private final long opset;
    private int counter;

    private ExpertGraphBuilder(GraphProto.Builder graph, long opset) {
        this.graph = graph;
        this.opset = opset;
    }

    /** Whether {@code node} is one this class appended (pooling, gate feature, head) rather than the encoder's. */
    public static boolean appendedBySieve(NodeProto node) {
        return node.getName().startsWith(PREFIX);
    }

    public static ModelProto load(Path onnx) {
        try (InputStream in = Files.newInputStream(onnx)) {
            return ModelProto.parseFrom(com.google.protobuf.CodedInputStream.newInstance(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + onnx + ": " + e.getMessage(), e);
        }
    }

    public static void save(ModelProto model, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model " + target + ": " + e.getMessage(), e);
        }
    }

    /** The encoder with pooling appended; its only output is {@value #EMBEDDING} {@code [batch, dim]}. */
    public static ModelProto withPooling(ModelProto encoder, Encoder.Pooling pooling) {
        ExpertGraphBuilder builder = start(encoder);
        String embedding = builder.pool(pooling);
        builder.graph.addNode(builder.node("Identity", List.of(embedding), EMBEDDING, List.of()));
        builder.graph.addOutput(floatMatrix(EMBEDDING, -1));
        return encoder.toBuilder().setGraph(builder.graph).build();
    }

    /**
     * The encoder with pooling and {@code head} appended; its only output is {@value #PROBABILITIES}
     * {@code [batch, classes]}. When the head uses the gate, the graph gains the input {@value
     * #GATE_PROBABILITIES} {@code float [batch, classes]}. {@code metadata} goes into the model's
     * metadata properties (readable from ONNX Runtime's custom metadata).
     */
    public static ModelProto withHead(
            ModelProto encoder, Encoder.Pooling pooling, DenseHead head, Map<String, String> metadata) {
        return withHead(encoder, pooling, head, ExpertSpec.Output.PROBABILITIES, metadata);
    }

    /**
     * As {@link #withHead(ModelProto, Encoder.Pooling, DenseHead, Map)}, ending in {@code output}: {@value
     * #PROBABILITIES} (Softmax appended) or {@code logits} (the head's scores, the layout of a Hugging
     * Face sequence-classification export).
     */
    public static ModelProto withHead(
            ModelProto encoder,
            Encoder.Pooling pooling,
            DenseHead head,
            ExpertSpec.Output output,
            Map<String, String> metadata) {
        ExpertGraphBuilder builder = start(encoder);
        String h = builder.pool(pooling);
        if (head.gateClasses() > 0) {
            builder.graph.addInput(floatMatrix(GATE_PROBABILITIES, head.gateClasses()));
            String floor = builder.constant(new float[] {DenseHead.GATE_PROBABILITY_FLOOR}, new long[0]);
            String clipped = builder.op("Max", List.of(GATE_PROBABILITIES, floor), List.of());
            String logs = builder.op("Log", List.of(clipped), List.of());
            h = builder.op("Concat", List.of(h, logs), List.of(intAttribute("axis", 1)));
        }
        List<DenseHead.Layer> layers = head.layers();
        for (int i = 0; i < layers.size(); i++) {
            DenseHead.Layer layer = layers.get(i);
            String weights = builder.constant(flatten(layer.weights()), new long[] {layer.inputs(), layer.outputs()});
            String bias = builder.constant(layer.bias(), new long[] {layer.outputs()});
            h = builder.op("MatMul", List.of(h, weights), List.of());
            h = builder.op("Add", List.of(h, bias), List.of());
            if (i < layers.size() - 1) {
                h = builder.op("Relu", List.of(h), List.of());
            }
        }
        String name = output.tensorName();
        if (output == ExpertSpec.Output.PROBABILITIES) {
            builder.graph.addNode(builder.node("Softmax", List.of(h), name, List.of(intAttribute("axis", 1))));
        } else {
            builder.graph.addNode(builder.node("Identity", List.of(h), name, List.of()));
        }
        builder.graph.addOutput(floatMatrix(name, head.classes()));
        ModelProto.Builder model = encoder.toBuilder().setGraph(builder.graph);
        metadata.forEach((key, value) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    private static ExpertGraphBuilder start(ModelProto encoder) {
        GraphProto.Builder graph = encoder.getGraph().toBuilder();
        boolean hasHidden =
                graph.getOutputList().stream().anyMatch(o -> o.getName().equals(HIDDEN_STATE));
        if (!hasHidden) {
            throw new IllegalArgumentException("encoder graph has no output '" + HIDDEN_STATE + "'; outputs are "
                    + graph.getOutputList().stream()
                            .map(ValueInfoProto::getName)
                            .toList());
        }
        boolean hasMask =
                graph.getInputList().stream().anyMatch(i -> i.getName().equals(ATTENTION_MASK));
        if (!hasMask) {
            throw new IllegalArgumentException("encoder graph has no input '" + ATTENTION_MASK + "'");
        }
        graph.clearOutput();
        return new ExpertGraphBuilder(graph, defaultOpset(encoder));
    }

    static long defaultOpset(ModelProto model) {
        return model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("ONNX model imports no default-domain opset"));
    }

    /** Appends pooling of {@value #HIDDEN_STATE}; returns the name of the {@code [batch, dim]} result. */
    private String pool(Encoder.Pooling pooling) {
        return switch (pooling) {
            case CLS -> {
                String index = constantLong(new long[] {0}, new long[0]);
                yield op("Gather", List.of(HIDDEN_STATE, index), List.of(intAttribute("axis", 1)));
            }
            case MEAN_L2 -> {
                String mask = op(
                        "Cast", List.of(ATTENTION_MASK), List.of(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
                String mask3 = unsqueeze(mask, 2);
                String masked = op("Mul", List.of(HIDDEN_STATE, mask3), List.of());
                String sum = reduceSum(masked, 1, false);
                String count = reduceSum(mask, 1, true);
                String countFloor = constant(new float[] {1e-9f}, new long[0]);
                String mean = op("Div", List.of(sum, op("Max", List.of(count, countFloor), List.of())), List.of());
                String squares = op("Mul", List.of(mean, mean), List.of());
                String norm = op("Sqrt", List.of(reduceSum(squares, 1, true)), List.of());
                String normFloor = constant(new float[] {1e-12f}, new long[0]);
                yield op("Div", List.of(mean, op("Max", List.of(norm, normFloor), List.of())), List.of());
            }
        };
    }

    private String unsqueeze(String input, long axis) {
        if (opset >= 13) {
            return op("Unsqueeze", List.of(input, constantLong(new long[] {axis}, new long[] {1})), List.of());
        }
        return op("Unsqueeze", List.of(input), List.of(intsAttribute("axes", axis)));
    }

    private String reduceSum(String input, long axis, boolean keepDims) {
        AttributeProto keep = intAttribute("keepdims", keepDims ? 1 : 0);
        if (opset >= 13) {
            return op("ReduceSum", List.of(input, constantLong(new long[] {axis}, new long[] {1})), List.of(keep));
        }
        return op("ReduceSum", List.of(input), List.of(intsAttribute("axes", axis), keep));
    }

    private String op(String type, List<String> inputs, List<AttributeProto> attributes) {
        String output = PREFIX + type.toLowerCase() + "_" + (counter++);
        graph.addNode(node(type, inputs, output, attributes));
        return output;
    }

    private NodeProto node(String type, List<String> inputs, String output, List<AttributeProto> attributes) {
        return NodeProto.newBuilder()
                .setOpType(type)
                .setName(PREFIX + "node_" + (counter++))
                .addAllInput(inputs)
                .addOutput(output)
                .addAllAttribute(attributes)
                .build();
    }

    private String constant(float[] values, long[] shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return initializer(TensorProto.DataType.FLOAT_VALUE, bytes, shape);
    }

    private String constantLong(long[] values, long[] shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return initializer(TensorProto.DataType.INT64_VALUE, bytes, shape);
    }

    private String initializer(int dataType, ByteBuffer bytes, long[] shape) {
        String name = PREFIX + "const_" + (counter++);
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(dataType)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long dim : shape) {
            tensor.addDims(dim);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private static float[] flatten(float[][] matrix) {
        int columns = matrix.length == 0 ? 0 : matrix[0].length;
        float[] flat = new float[matrix.length * columns];
        for (int r = 0; r < matrix.length; r++) {
            System.arraycopy(matrix[r], 0, flat, r * columns, columns);
        }
        return flat;
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    private static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long value : values) {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    /** A float {@code [batch, columns]} value description; {@code columns < 0} leaves the width symbolic. */
    private static ValueInfoProto floatMatrix(String name, long columns) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size"));
        if (columns < 0) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("dim"));
        } else {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }
}
