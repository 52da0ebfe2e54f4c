package dev.sieve.models.expert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.sieve.worker.expert.SessionFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A small two-layer "encoder" ({@code Relu(x·W1 + b1)·W2 + b2}, plus an activation × activation MatMul
 * that must stay fp32), quantized and run in ONNX Runtime next to its fp32 original.
 */
class DynamicQuantizerTest {
    private static final int BATCH = 5;
    private static final int IN = 64;
    private static final int HIDDEN = 48;
    private static final int OUT = 16;

    @TempDir
    Path directory;

    private final Random random = new Random(7);
    private final float[] w1 = gaussian(IN * HIDDEN, 0.2);
    private final float[] b1 = gaussian(HIDDEN, 0.1);
    private final float[] w2 = gaussian(HIDDEN * OUT, 0.2);
    private final float[] b2 = gaussian(OUT, 0.1);
    private final float[][] x = matrix(BATCH, IN);

    @ParameterizedTest
    @CsvSource({"STANDARD, 8", "STANDARD, 7", "CONTRIB, 8", "CONTRIB, 7"})
    void quantize_whenWeightMatMuls_replacesThemAndStaysCloseToFp32(DynamicQuantizer.Form form, int bits)
            throws Exception {
        ModelProto fp32 = model();
        DynamicQuantizer.Options options =
                DynamicQuantizer.Options.defaults().withForm(form).withWeightBits(bits);

        DynamicQuantizer.Result result = DynamicQuantizer.quantize(fp32, options);

        assertThat(result.quantizedMatMuls()).isEqualTo(2);
        assertThat(result.keptFp32MatMuls()).isZero();
        assertThat(result.foldedBiases()).isEqualTo(2);
        GraphProto graph = result.model().getGraph();
        // the only MatMul left is the activation × activation one
        assertThat(graph.getNodeList().stream().filter(n -> n.getOpType().equals("MatMul")))
                .extracting(NodeProto::getName)
                .containsExactly("gram");
        assertThat(graph.getInitializerList())
                .extracting(TensorProto::getName)
                .doesNotContain("w1", "w2")
                .contains("b1", "b2");
        if (form == DynamicQuantizer.Form.STANDARD) {
            assertThat(count(graph, "DynamicQuantizeLinear")).isEqualTo(2);
            assertThat(count(graph, "MatMulInteger")).isEqualTo(2);
            // b1 was the Add's first input; it is now second, where ORT's fusion looks for a bias
            assertThat(graph.getNodeList().stream().filter(n -> n.getName().startsWith("bias")))
                    .extracting(add -> add.getInput(1))
                    .containsExactly("b1", "b2");
        } else {
            assertThat(count(graph, "DynamicQuantizeMatMul")).isEqualTo(2);
            assertThat(count(graph, "Add"))
                    .as("only the graph's last Add, which adds no bias")
                    .isEqualTo(1);
            assertThat(result.model().getOpsetImportList())
                    .anyMatch(o -> o.getDomain().equals(DynamicQuantizer.MICROSOFT_DOMAIN));
        }

        float[][] expected = run(fp32, null);
        float[][] actual = run(result.model(), null);

        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < OUT; j++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[i][j]));
                maxDiff = Math.max(maxDiff, Math.abs(expected[i][j] - actual[i][j]));
            }
        }
        // quantization changes the numbers a little, never a lot (7-bit weights: twice the step)
        assertThat(maxDiff).isGreaterThan(0).isLessThan(maxAbs * (bits == 8 ? 0.02 : 0.04));
    }

    @Test
    void quantize_whenStandardForm_ortFusesEachMatMulWithItsBias() throws Exception {
        DynamicQuantizer.Result result = DynamicQuantizer.quantize(model(), DynamicQuantizer.Options.defaults());
        Path optimized = directory.resolve("optimized.onnx");

        run(result.model(), optimized);

        // ORT fuses MatMulInteger, Cast, the two Muls and the bias Add into MatMulIntegerToFloat (7 inputs),
        // and that with a DynamicQuantizeLinear used by it alone into DynamicQuantizeMatMul (5 inputs)
        GraphProto graph = ExpertGraphBuilder.load(optimized).getGraph();
        List<NodeProto> fused = graph.getNodeList().stream()
                .filter(n -> n.getOpType().equals("MatMulIntegerToFloat")
                        || n.getOpType().equals("DynamicQuantizeMatMul"))
                .toList();
        assertThat(fused).hasSize(2);
        assertThat(fused)
                .allSatisfy(n -> assertThat(n.getInput(n.getInputCount() - 1)).isIn("b1", "b2"));
        assertThat(count(graph, "MatMulInteger") + count(graph, "Cast")).isZero();
    }

    @ParameterizedTest
    @CsvSource({"STANDARD", "CONTRIB"})
    void quantize_whenGemmWithTransposedWeightAndBias_matchesFp32(DynamicQuantizer.Form form) throws Exception {
        float[] transposed = gaussian(OUT * IN, 0.2);
        ModelProto gemm = ModelProto.newBuilder()
                .setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(11))
                .setGraph(GraphProto.newBuilder()
                        .addInput(value("x", IN))
                        .addOutput(value("y", OUT))
                        .addInitializer(floats("wT", transposed, OUT, IN))
                        .addInitializer(floats("c", b2, OUT))
                        .addNode(node("Gemm", "dense", List.of("x", "wT", "c"), "y").toBuilder()
                                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                                        .setName("transB")
                                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
                                        .setI(1))))
                .build();

        DynamicQuantizer.Result result = DynamicQuantizer.quantize(
                gemm, DynamicQuantizer.Options.defaults().withForm(form));

        assertThat(result.quantizedMatMuls()).isEqualTo(1);
        assertThat(count(result.model().getGraph(), "Gemm")).isZero();
        float[][] expected = run(gemm, null);
        float[][] actual = run(result.model(), null);
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < OUT; j++) {
                assertThat(actual[i][j]).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(0.1f));
            }
        }
    }

    @Test
    void quantize_whenNodeKeptFp32_leavesItAndItsWeight() throws Exception {
        DynamicQuantizer.Result result = DynamicQuantizer.quantize(
                model(), DynamicQuantizer.Options.defaults().withKeepFp32(node -> node.getName()
                        .equals("layer2")));

        assertThat(result.quantizedMatMuls()).isEqualTo(1);
        assertThat(result.keptFp32MatMuls()).isEqualTo(1);
        assertThat(result.model().getGraph().getNodeList())
                .filteredOn(n -> n.getOpType().equals("MatMul"))
                .extracting(NodeProto::getName)
                .containsExactlyInAnyOrder("gram", "layer2");
        assertThat(result.model().getGraph().getInitializerList())
                .extracting(TensorProto::getName)
                .contains("w2")
                .doesNotContain("w1");
        assertThat(run(result.model(), null)[0]).hasSize(OUT);
    }

    @Test
    void quantizeColumns_scalesEachColumnToItsLargestMagnitude() {
        // [3, 2]: column 0 max |-2| → scale 2/127; column 1 all zero → scale 1
        float[] values = {1f, 0f, -2f, 0f, 0.5f, 0f};

        DynamicQuantizer.QuantizedMatrix q = DynamicQuantizer.quantizeColumns(values, 3, 2, 8);

        assertThat(q.scales()).containsExactly(2f / 127, 1f);
        assertThat(q.values()).containsExactly((byte) 64, (byte) 0, (byte) -127, (byte) 0, (byte) 32, (byte) 0);
        assertThat(DynamicQuantizer.quantizeColumns(values, 3, 2, 7).values()[2])
                .isEqualTo((byte) -63);
    }

    @Test
    void quantize_whenOpsetBelow11_refuses() {
        ModelProto old = model().toBuilder()
                .clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(10))
                .build();

        assertThatThrownBy(() -> DynamicQuantizer.quantize(old, DynamicQuantizer.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opset 11");
    }

    private static long count(GraphProto graph, String opType) {
        return graph.getNodeList().stream()
                .filter(n -> n.getOpType().equals(opType))
                .count();
    }

    /** Runs the model on {@link #x}; {@code optimizedFile} (or null) receives ORT's optimized graph. */
    private float[][] run(ModelProto model, Path optimizedFile) throws OrtException {
        Path file = directory.resolve("model-" + System.nanoTime() + ".onnx");
        ExpertGraphBuilder.save(model, file);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(1);
            // as the worker's sessions: exact 8-bit weights on x86 CPUs without VNNI too
            options.addConfigEntry(SessionFactory.X64_QUANT_PRECISION, "1");
            if (optimizedFile != null) {
                options.setOptimizedModelFilePath(optimizedFile.toString());
            }
            try (OrtSession session = environment.createSession(file.toString(), options);
                    OnnxTensor input = OnnxTensor.createTensor(environment, x);
                    OrtSession.Result result = session.run(Map.of("x", input))) {
                FloatBuffer values = ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer();
                float[][] rows = new float[BATCH][OUT];
                for (float[] row : rows) {
                    values.get(row);
                }
                return rows;
            }
        }
    }

    /** {@code y = Relu(b1 + x·W1)·W2 + b2 + 0·sum(x·xᵀ)}: the Gram MatMul has no constant weight. */
    private ModelProto model() {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("tiny")
                .addInput(value("x", IN))
                .addOutput(value("y", OUT))
                .addInitializer(floats("w1", w1, IN, HIDDEN))
                .addInitializer(floats("b1", b1, HIDDEN))
                .addInitializer(floats("w2", w2, HIDDEN, OUT))
                .addInitializer(floats("b2", b2, OUT))
                .addInitializer(floats("zero", new float[] {0f}))
                .addNode(node("MatMul", "layer1", List.of("x", "w1"), "h1"))
                .addNode(node("Add", "bias1", List.of("b1", "h1"), "h1b"))
                .addNode(node("Relu", "relu", List.of("h1b"), "h1r"))
                .addNode(node("MatMul", "layer2", List.of("h1r", "w2"), "h2"))
                .addNode(node("Add", "bias2", List.of("h2", "b2"), "h2b"))
                .addNode(node("Transpose", "xt", List.of("x"), "xT"))
                .addNode(node("MatMul", "gram", List.of("x", "xT"), "g"))
                .addNode(NodeProto.newBuilder()
                        .setOpType("ReduceSum")
                        .setName("gsum")
                        .addInput("g")
                        .addOutput("gs")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                                .setName("keepdims")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(1)))
                .addNode(node("Mul", "gzero", List.of("gs", "zero"), "gz"))
                .addNode(node("Add", "out", List.of("h2b", "gz"), "y"));
        return ModelProto.newBuilder()
                .setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(11))
                .setGraph(graph)
                .build();
    }

    private static NodeProto node(String type, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(type)
                .setName(name)
                .addAllInput(inputs)
                .addOutput(output)
                .build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    private static ValueInfoProto value(String name, long columns) {
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(TensorShapeProto.newBuilder()
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("batch"))
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(columns)))))
                .build();
    }

    private float[] gaussian(int n, double sd) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * sd);
        }
        return values;
    }

    private float[][] matrix(int rows, int columns) {
        float[][] m = new float[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = gaussian(columns, 1.0);
        }
        return m;
    }
}
